import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import QRCode from 'qrcode';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { declareCredentialEvent } from '../../core/credentialEvents';
import { NotAllowedNowError } from '../../core/errors';
import { requireRecentSignIn } from '../../login/recentSignIn';
import type { RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import type { SecretBox } from '../../infra/crypto/SecretBox';
import type { Logger } from '../../infra/logger';
import { secondFactorFailures, type InvalidSecondFactor, type LoginFlow, type SecondStepOutcome } from '../../login/LoginFlow';
import type { ReauthFactor, ReAuthenticator, ReauthProof } from '../../login/ReAuthenticator';
import { declareSecondFactorMethod, type SecondFactor, type SecondFactorMethod } from '../../login/SecondFactors';
import type { SessionService } from '../../sessions/SessionService';
import type { User } from '../../users/User';
import { viewerUser } from '../../users/users';
import {
  base32,
  hashRecoveryCode,
  newRecoveryCodes,
  newSalt,
  newSecret,
  otpauthUri,
  readCode,
  stepOf,
} from './codes';
import { RecoveryCode, TotpCredential } from './TotpCredential';

export const TOTP = declareSecondFactorMethod('TOTP', 'A 6-digit code from an authenticator app (TOTP).');
export const RECOVERY_CODE = declareSecondFactorMethod('RECOVERY_CODE', 'One of the single-use recovery codes shown when the app was set up.');

const TOTP_ENABLED = declareCredentialEvent('TOTP_ENABLED', {
  description: 'An authenticator app was set up for two-factor authentication; every other session was ended.',
  notice: {
    subject: 'Two-factor authentication was turned on',
    lines: [
      'An authenticator app was just set up for the account with this email address: signing in now also needs a code from it. Every other session was signed out.',
      'If it was not you, reset your password at once and contact us: someone else may control your account.',
    ],
  },
});
const TOTP_DISABLED = declareCredentialEvent('TOTP_DISABLED', {
  description: 'Two-factor authentication with an authenticator app was turned off.',
  notice: {
    subject: 'Two-factor authentication was turned off',
    lines: [
      'Two-factor authentication was just turned off for the account with this email address: signing in no longer needs a code.',
      'If it was not you, reset your password now and turn it on again.',
    ],
  },
});
const RECOVERY_CODES_REGENERATED = declareCredentialEvent('RECOVERY_CODES_REGENERATED', {
  description: 'New recovery codes were made; the old ones stopped working.',
  notice: {
    subject: 'New recovery codes were made',
    lines: [
      'New recovery codes were just made for the account with this email address; the old ones no longer work.',
      'If it was not you, reset your password now: someone else may be signed in to your account.',
    ],
  },
});
const RECOVERY_CODE_USED = declareCredentialEvent('RECOVERY_CODE_USED', {
  description: 'A recovery code was used (to sign in, or to confirm a change); it cannot be used again.',
  notice: {
    subject: 'A recovery code was used',
    lines: [
      'One of the recovery codes of the account with this email address was just used; it cannot be used again.',
      'If it was not you, reset your password and make new recovery codes now.',
    ],
  },
});

export interface TotpEnrollment {
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrCodeSvg: string;
}

export interface TotpEnabled {
  readonly kind: 'totp-enabled';
  readonly recoveryCodes: readonly string[];
}

export interface TotpDisabled {
  readonly kind: 'totp-disabled';
  readonly user: User;
}

export interface RecoveryCodes {
  readonly kind: 'recovery-codes';
  readonly codes: readonly string[];
}

export interface TotpStatus {
  readonly enabled: boolean;
  /** Unused recovery codes; null when the app is not set up. */
  readonly recoveryCodesRemaining: number | null;
}

export interface TotpRules {
  /** Codes tried to confirm a set-up, per user. */
  readonly confirm: LimitRule;
}

/** Which kind of code was accepted. */
type Used = 'totp' | 'recovery';

/**
 * Two-factor authentication with an authenticator app (TOTP, RFC 6238) and single-use recovery codes.
 * A second factor of the login flow (a password sign-in of an account with an app answers
 * `SecondFactorRequired`; `verifySecondFactor` finishes it), and a factor of the re-authenticator
 * (a code confirms a sensitive change, like the password).
 *
 * Every code is single-use, decided by PostgreSQL: a TOTP code moves the account's last used time step
 * forward in one conditional UPDATE (so the same code, or an older one, is refused on every instance),
 * and a recovery code is burned by one conditional UPDATE of its row.
 */
export class TotpService implements SecondFactor, ReauthFactor {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly loginFlow: LoginFlow,
    private readonly reauth: ReAuthenticator,
    private readonly sessions: SessionService,
    private readonly limits: AttemptLimits,
    private readonly rules: TotpRules,
    private readonly box: SecretBox,
    private readonly settings: { issuer: string; recentSignInSeconds: number },
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Starts setting up an app: a new secret, as text, as an `otpauth://` URI and as a QR code of it.
   * Nothing changes for sign-in until `confirmEnrollment` gets a right code. Needs a recent sign-in:
   * a stolen, older session must not be able to put its own app on the account and lock its owner out.
   */
  async startEnrollment(ctx: ViewerContext): Promise<TotpEnrollment> {
    requireRecentSignIn(ctx, this.settings.recentSignInSeconds, this.now(), 'set up an authenticator app');
    const secret = newSecret();
    const user = await this.transactions.run(ctx, async (tx) => {
      const locked = await viewerUser(tx.em, ctx.viewer.userId, true);
      const existing = await tx.em.findOne(TotpCredential, { user: locked.id });
      if (existing?.enabledAt) {
        throw new NotAllowedNowError('Two-factor authentication is already on. Turn it off first to set up another app.');
      }
      // A pending set-up is replaced: only the newest QR code works.
      const sealed = this.box.seal(secret, this.binding(locked.id));
      if (existing) {
        existing.secretSealed = sealed;
        existing.updatedAt = new Date(this.now());
      } else {
        tx.em.create(TotpCredential, { user: locked.id, secretSealed: sealed, recoverySalt: newSalt(), createdAt: new Date(this.now()) });
      }
      return locked;
    });
    const uri = otpauthUri(secret, this.settings.issuer, user.email);
    return { secret: base32(secret), otpauthUri: uri, qrCodeSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }

  /**
   * Turns the app on with its first code, makes the recovery codes (shown this once), and ends every
   * other session: whoever else was signed in did not pass the new factor.
   */
  async confirmEnrollment(ctx: ViewerContext, code: string): Promise<TotpEnabled | InvalidSecondFactor | RateLimited> {
    const limited = await this.limits.hit(this.rules.confirm, `user:${ctx.viewer.userId}`);
    if (limited) return limited;
    const read = readCode(code);
    const outcome = await this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      const pending = await tx.em.findOne(TotpCredential, { user: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const secret = pending && !pending.enabledAt ? this.openSecret(pending) : null;
      const step = secret && read.kind === 'totp' ? stepOf(secret, read.code, this.now()) : null;
      if (!pending || step === null) return secondFactorFailures.invalidSecondFactor();
      const at = new Date(this.now());
      pending.enabledAt = at;
      pending.lastUsedStep = step;
      pending.recoverySalt = newSalt();
      pending.updatedAt = at;
      const recoveryCodes = await this.replaceRecoveryCodes(tx.em, user.id, pending.recoverySalt);
      await this.sessions.end(tx, user.id, { except: ctx.viewer.sessionId });
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: TOTP_ENABLED });
      const enabled: TotpEnabled = { kind: 'totp-enabled', recoveryCodes };
      return enabled;
    });
    if (outcome.kind === 'totp-enabled') await this.limits.reset(this.rules.confirm, `user:${ctx.viewer.userId}`);
    return outcome;
  }

  /** Turns the app off, confirmed by a code from it or a recovery code; the recovery codes go too. */
  async disable(ctx: ViewerContext, code: string): Promise<TotpDisabled | InvalidSecondFactor | RateLimited> {
    const refused = await this.confirmWithCode(ctx, code);
    if (refused) return refused;
    return this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      const removed = await tx.em.nativeDelete(TotpCredential, { user: user.id, enabledAt: { $ne: null } });
      // Turned off by a concurrent request meanwhile: the outcome the caller asked for holds.
      if (removed === 0) return { kind: 'totp-disabled', user } satisfies TotpDisabled;
      await tx.em.nativeDelete(RecoveryCode, { user: user.id });
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: TOTP_DISABLED });
      return { kind: 'totp-disabled', user } satisfies TotpDisabled;
    });
  }

  /** New recovery codes, confirmed by a code; every old one stops working. */
  async regenerateRecoveryCodes(ctx: ViewerContext, code: string): Promise<RecoveryCodes | InvalidSecondFactor | RateLimited> {
    const refused = await this.confirmWithCode(ctx, code);
    if (refused) return refused;
    return this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      const credential = await tx.em.findOne(TotpCredential, { user: user.id, enabledAt: { $ne: null } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!credential) return secondFactorFailures.invalidSecondFactor();
      const codes = await this.replaceRecoveryCodes(tx.em, user.id, credential.recoverySalt);
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: RECOVERY_CODES_REGENERATED });
      const regenerated: RecoveryCodes = { kind: 'recovery-codes', codes };
      return regenerated;
    });
  }

  /** The second step of a sign-in: a code from the app, or a recovery code. */
  verifySecondFactor(ctx: ServiceContext, ticket: string, code: string): Promise<SecondStepOutcome> {
    return this.loginFlow.continueWithTicket(ctx, ticket, async (tx, user) => {
      const used = await this.useCode(tx.em, user.id, code);
      if (used === 'recovery') await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: RECOVERY_CODE_USED });
      // RFC 8176: `otp` for a one-time code, whether from the app or the printed list.
      return used ? ['otp'] : null;
    });
  }

  async status(userId: string): Promise<TotpStatus> {
    const em = this.orm.em.fork();
    const credential = await em.findOne(TotpCredential, { user: userId, enabledAt: { $ne: null } });
    if (!credential) return { enabled: false, recoveryCodesRemaining: null };
    return { enabled: true, recoveryCodesRemaining: await em.count(RecoveryCode, { user: userId, usedAt: null }) };
  }

  // A second factor of the login flow.

  async methodsFor(em: EntityManager, userId: string): Promise<readonly SecondFactorMethod[]> {
    if ((await em.count(TotpCredential, { user: userId, enabledAt: { $ne: null } })) === 0) return [];
    const codesLeft = await em.count(RecoveryCode, { user: userId, usedAt: null });
    return codesLeft > 0 ? [TOTP, RECOVERY_CODE] : [TOTP];
  }

  /** The app (counted when it was on; a pending set-up goes too) and its recovery codes. */
  async forgetAll(em: EntityManager, userId: string): Promise<number> {
    const enabled = await em.count(TotpCredential, { user: userId, enabledAt: { $ne: null } });
    await em.nativeDelete(RecoveryCode, { user: userId });
    await em.nativeDelete(TotpCredential, { user: userId });
    return enabled;
  }

  // A factor of the re-authenticator: a code confirms a sensitive change.

  readonly wrongMessage = 'The code is not correct.';

  offered(proof: ReauthProof): boolean {
    return proof.code !== undefined;
  }

  verify(ctx: ViewerContext, user: User, proof: ReauthProof): Promise<boolean> {
    return this.transactions.run(ctx, async (tx) => {
      const used = await this.useCode(tx.em, user.id, proof.code ?? '');
      if (used === 'recovery') await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: RECOVERY_CODE_USED });
      return used !== null;
    });
  }

  /** Disabling and regenerating are confirmed like any sensitive change: by the re-authenticator. */
  private async confirmWithCode(ctx: ViewerContext, code: string): Promise<InvalidSecondFactor | RateLimited | null> {
    const user = await viewerUser(this.orm.em.fork(), ctx.viewer.userId);
    const refused = await this.reauth.verify(ctx, user, { code });
    if (!refused) return null;
    return refused.code === 'RATE_LIMITED' ? refused : secondFactorFailures.invalidSecondFactor();
  }

  /**
   * Accepts and uses up a code of the user's enabled app or one of their recovery codes; null when it
   * is wrong, already used, or the user has no app. Each use is one conditional UPDATE, so of any
   * number of concurrent uses of one code (on any instances), exactly one succeeds.
   */
  private async useCode(em: EntityManager, userId: string, code: string): Promise<Used | null> {
    const read = readCode(code);
    if (read.kind === 'neither') return null;
    const credential = await em.findOne(TotpCredential, { user: userId, enabledAt: { $ne: null } }, { refresh: true });
    if (!credential) return null;
    if (read.kind === 'recovery') {
      const burned = await em.nativeUpdate(
        RecoveryCode,
        { user: userId, codeHash: hashRecoveryCode(credential.recoverySalt, read.code), usedAt: null },
        { usedAt: new Date(this.now()) },
      );
      return burned === 1 ? 'recovery' : null;
    }
    const secret = this.openSecret(credential);
    const step = secret && stepOf(secret, read.code, this.now());
    if (step === null || step === undefined) return null;
    // RFC 6238 section 5.2: a code is accepted once. The step only moves forward, so the same code
    // again, or an older one still inside the drift window, is refused.
    const moved = await em.nativeUpdate(
      TotpCredential,
      { user: userId, enabledAt: { $ne: null }, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: step } }] },
      { lastUsedStep: step },
    );
    return moved === 1 ? 'totp' : null;
  }

  private async replaceRecoveryCodes(em: EntityManager, userId: string, salt: string): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { user: userId });
    const codes = newRecoveryCodes();
    const createdAt = new Date(this.now());
    // Stored as they will be read back: normalised (readCode), then hashed.
    for (const code of codes) em.create(RecoveryCode, { user: userId, codeHash: hashRecoveryCode(salt, code.replace('-', '')), createdAt });
    await em.flush();
    return codes;
  }

  private openSecret(credential: TotpCredential): Uint8Array | null {
    const userId = credential.user.id;
    const secret = this.box.open(credential.secretSealed, this.binding(userId));
    // Only a wrong or missing TOTP_ENCRYPTION_KEY does this (e.g. a development key that died with
    // its process): said loudly, without the value.
    if (!secret) this.logger.error('a TOTP secret cannot be decrypted: is TOTP_ENCRYPTION_KEY the key it was stored with?', { userId });
    return secret;
  }

  /** Binds a sealed secret to its user: copied onto another account, it does not open. */
  private binding(userId: string): string {
    return `totp:${userId}`;
  }
}
