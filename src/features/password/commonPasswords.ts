import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The most common passwords, shipped with the package (works offline): the `passwords-common` list of
 * @zxcvbn-ts/language-common 4.1.3, 49,233 passwords ranked by frequency in leaked password corpora
 * (the list zxcvbn was built on). Loaded once, on first use.
 */
let common: Set<string> | undefined;

export function isCommonPassword(normalizedPassword: string): boolean {
  common ??= new Set(dictionary['passwords-common']);
  return common.has(normalizedPassword.toLowerCase());
}

/** Loads the list ahead of the first registration (a few tens of milliseconds). */
export function preloadCommonPasswords(): void {
  isCommonPassword('');
}
