import 'reflect-metadata';
import { userInfo } from 'node:os';
import { startApp } from './app';
import { ConfigError, loadConfig, readEnvironment } from './config/index';
import { SYSTEM_CONTEXT } from './core/context';
import { checkEmail } from './core/validation';
import { createLogger, startFailureMessage } from './infra/logger';

/**
 * Commands for operators, on the service's own configuration (the same environment as `npm start`):
 * `npm run admin -- <command> <arguments>`. They go through the services, so what they change is
 * logged, mailed and ended as if the service had done it.
 */
const COMMANDS: Record<string, { usage: string; help: string }> = {
  'reset-second-factors': {
    usage: 'reset-second-factors <email>',
    help:
      'Turns off the authenticator app (and its recovery codes) and removes the passkeys of the account with\n' +
      'this address, ends its sessions, writes SECOND_FACTORS_RESET to its security log and mails it a notice.\n' +
      'For a user who lost their second factors, once they have proven who they are some other way.',
  },
};

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user'; // a container's user with no passwd entry
  }
}

function usage(): string {
  return `Usage: npm run admin -- <command>\n\n${Object.values(COMMANDS)
    .map((command) => `  ${command.usage}\n${command.help.replace(/^/gm, '      ')}`)
    .join('\n\n')}\n`;
}

async function main(args: string[]): Promise<number> {
  const [command, argument, ...rest] = args;
  if (command !== 'reset-second-factors' || argument === undefined || rest.length > 0) {
    process.stderr.write(usage());
    return 2;
  }
  const email = checkEmail('email', argument);
  if (!email.ok) {
    process.stderr.write(`${email.error.message}\n`);
    return 2;
  }

  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // The log (warnings and errors unless LOG_LEVEL asks for less) goes to stderr: stdout is the answer.
  const level = config.logLevel === 'error' || config.logLevel === 'silent' ? config.logLevel : 'warn';
  const logger = createLogger(level, { write: (line) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`) });
  const app = await startApp(config, logger, undefined, { serve: false });
  try {
    // The security log names the command and who ran it, where a request's would name its browser.
    const ctx = { ...SYSTEM_CONTEXT, requestId: 'admin', client: { userAgent: `npm run admin (${operatorName()})` } };
    const { found, removed } = await app.loginFlow.resetSecondFactors(ctx, email.value);
    if (!found) {
      process.stderr.write(`No account has the address ${email.value}.\n`);
      return 1;
    }
    // The notice went into the mail outbox with the change; the serving instances send it.
    process.stdout.write(`Second factors of ${email.value} reset: ${removed} removed, every session ended; the notice is queued for the owner.\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Failed: ${startFailureMessage(error)}\n`);
    process.exit(1);
  },
);
