import { Arg, Ctx, Extensions, FieldResolver, ID, Mutation, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import { accountOwnerId, type RequestContext } from '../../../graphql/context';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { EmailAddress, JSONScalar } from '../../../graphql/scalars';
import { TICKET, VerifySecondFactorResult } from '../../../graphql/types/secondFactor';
import { LoginResult, RegisterResult } from '../../../graphql/types/signIn';
import { UserType } from '../../../graphql/types/UserType';
import { AsViewer, RequiresViewer } from '../../../graphql/viewer';
import { presentedTicket, SetsRefreshCookie } from '../../sessions/graphql/refreshCookie';
import {
  FinishPasskeyRegistrationResult,
  PasskeyAccountInput,
  PasskeyChallengeType,
  PasskeyType,
  RemovePasskeyResult,
  RenamePasskeyResult,
} from './types';

const CHALLENGE_ID = '`PasskeyChallenge.challengeId` of the challenge the response answers.';
const REGISTRATION = 'The `RegistrationResponseJSON` (what `startRegistration` of @simplewebauthn/browser resolves to).';
const ASSERTION = 'The `AuthenticationResponseJSON` (what `startAuthentication` of @simplewebauthn/browser resolves to).';

@Resolver(() => UserType)
@UseMiddleware(RootFieldInterceptor)
export class PasskeyResolver {
  @RequiresViewer()
  @Mutation(() => PasskeyChallengeType, {
    description:
      'Starts adding a passkey to the signed-in account (needs a sign-in within the last minutes): creation options ' +
      'for the browser. Finish with `finishPasskeyRegistration`.',
  })
  startPasskeyRegistration(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.passkeys.credentials.startRegistration(viewer);
  }

  @RequiresViewer()
  @Mutation(() => FinishPasskeyRegistrationResult, { description: 'Adds the passkey the browser created. Sends a notice; logged as `PASSKEY_ADDED`.' })
  finishPasskeyRegistration(
    @Arg('challengeId', () => ID, { description: CHALLENGE_ID }) challengeId: string,
    @Arg('response', () => JSONScalar, { description: REGISTRATION }) response: unknown,
    @Arg('name', () => String, { nullable: true, description: 'A name to tell it apart (1 to 100 characters); default `Passkey`, `Passkey 2`...' })
    name: string | null | undefined,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.credentials.finishRegistration(viewer, challengeId, response, name ?? undefined);
  }

  @Mutation(() => PasskeyChallengeType, {
    description:
      'Starts a sign-in with a passkey: request options for the browser. The answer is the same with or without ' +
      '`email`, and whether or not an account has it. Ignores any `Authorization` header.',
  })
  startPasskeyLogin(
    @Arg('email', () => EmailAddress, {
      nullable: true,
      description: 'Only a passkey of the account with this address will do. Without it, any passkey of any account (usernameless).',
    })
    email: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.signIn.startLogin(ctx.service, email ?? undefined);
  }

  @Mutation(() => LoginResult, {
    description:
      'Signs in with the passkey the browser used (user verification required), opening a new session with `amr` ' +
      '`["hwk","user"]` or `["swk","user"]`: never `SecondFactorRequired`. Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  finishPasskeyLogin(
    @Arg('challengeId', () => ID, { description: CHALLENGE_ID }) challengeId: string,
    @Arg('response', () => JSONScalar, { description: ASSERTION }) response: unknown,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.signIn.finishLogin(ctx.service, challengeId, response);
  }

  @Mutation(() => PasskeyChallengeType, {
    description:
      'Starts the second step of a sign-in that answered `SecondFactorRequired` with `PASSKEY` among its methods: ' +
      "request options listing the account's passkeys. FORBIDDEN when the ticket is dead or the account has none.",
  })
  startPasskeySecondFactor(@Arg('ticket', () => String, { description: TICKET }) ticket: string, @Ctx() ctx: RequestContext) {
    return ctx.services.passkeys.signIn.startSecondFactor(ctx.service, presentedTicket(ticket, ctx));
  }

  @Mutation(() => VerifySecondFactorResult, {
    description:
      "Completes a sign-in that answered `SecondFactorRequired` with a passkey: the session's `amr` adds `hwk` or `swk` " +
      '(and `user` when the authenticator verified its user) to the first factor\'s. Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  verifySecondFactorWithPasskey(
    @Arg('ticket', () => String, { description: TICKET }) ticket: string,
    @Arg('challengeId', () => ID, { description: CHALLENGE_ID }) challengeId: string,
    @Arg('response', () => JSONScalar, { description: ASSERTION }) response: unknown,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.signIn.verifySecondFactor(ctx.service, presentedTicket(ticket, ctx), challengeId, response);
  }

  @Mutation(() => PasskeyChallengeType, {
    description:
      'Starts creating an account with a passkey and no password: creation options for the browser. The input ' +
      "follows `register`'s rules; a bad one is a BAD_USER_INPUT error naming every field. Ignores any `Authorization` header.",
  })
  startPasskeyRegistrationForNewAccount(
    @Arg('input', () => PasskeyAccountInput, { description: 'The new account.' }) input: PasskeyAccountInput,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.credentials.startNewAccount(ctx.service, input);
  }

  @Mutation(() => RegisterResult, {
    description:
      'Creates the account with the passkey the browser created, and signs it in (a new session), as `register` ' +
      'does: `EmailTakenError` if the address has an account by now. Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  finishPasskeyRegistrationForNewAccount(
    @Arg('challengeId', () => ID, { description: CHALLENGE_ID }) challengeId: string,
    @Arg('response', () => JSONScalar, { description: REGISTRATION }) response: unknown,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.credentials.finishNewAccount(ctx.service, challengeId, response);
  }

  @RequiresViewer()
  @Mutation(() => PasskeyChallengeType, {
    description:
      "Starts confirming a sensitive change with a passkey: request options listing the account's passkeys (user " +
      'verification required). Pass the response as `passkey` to `changePassword`, `requestEmailChange` or `deleteAccount`.',
  })
  startPasskeyReauthentication(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.passkeys.signIn.startReauthentication(viewer);
  }

  @RequiresViewer()
  @Mutation(() => RenamePasskeyResult, { description: 'Renames one of the signed-in user\'s passkeys.' })
  renamePasskey(
    @Arg('id', () => ID, { description: '`Passkey.id`.' }) id: string,
    @Arg('name', () => String, { description: 'The new name, 1 to 100 characters.' }) name: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.passkeys.credentials.rename(viewer, id, name);
  }

  @RequiresViewer()
  @Mutation(() => RemovePasskeyResult, {
    description:
      "Removes one of the signed-in user's passkeys; refused when it is the account's last way to sign in. Sends a " +
      'notice; logged as `PASSKEY_REMOVED`.',
  })
  removePasskey(@Arg('id', () => ID, { description: '`Passkey.id`.' }) id: string, @AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.passkeys.credentials.remove(viewer, id);
  }

  @Extensions({ computed: true })
  @FieldResolver(() => [PasskeyType], { description: "The account's passkeys, oldest first." })
  async passkeys(@Root() user: UserType, @Ctx() ctx: RequestContext) {
    // A user only ever appears to themself; the list is shown to its own account only, whatever comes.
    if (user.id !== (await accountOwnerId(ctx))) return [];
    return ctx.services.passkeys.credentials.list(user.id);
  }
}
