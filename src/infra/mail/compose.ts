import type { OutgoingMail } from '../../core/events';

/**
 * Building the messages the service sends: plain text and HTML, every link a front-end page under
 * APP_URL carrying its token as a `token=` query parameter (the front end calls the matching mutation
 * with it). Each feature words its own messages with these.
 */

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function link(appUrl: string, page: string, token: string): string {
  const url = new URL(`${appUrl}/${page}`);
  url.searchParams.set('token', token);
  return url.toString();
}

export function compose(
  to: string,
  subject: string,
  lines: readonly string[],
  action?: { label: string; url: string; ttlSeconds: number },
): OutgoingMail {
  const text = [...lines, ...(action ? ['', `${action.label}: ${action.url}`] : [])].join('\n');
  const html = [
    ...lines.map((line) => `<p>${escape(line)}</p>`),
    ...(action ? [`<p><a href="${escape(action.url)}">${escape(action.label)}</a></p>`] : []),
  ].join('\n');
  return { to, subject, text, html: `<!doctype html><html><body>${html}</body></html>`, linkTtlSeconds: action?.ttlSeconds };
}

export const duration = (seconds: number) =>
  seconds >= 7200 ? `${Math.round(seconds / 3600)} hours` : `${Math.round(seconds / 60)} minutes`;
