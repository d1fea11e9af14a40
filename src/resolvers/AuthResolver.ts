import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AccessClaims } from '../auth/AccessTokens';
import type { RequestContext } from '../context';
import { LoginArgs, LoginResult, RegisterInput, RegisterResult } from '../types/auth.types';
import { HashesPassword } from './limits';
import { ActsAsViewer, CurrentViewer } from './viewer';

@Resolver()
export class AuthResolver {
  @HashesPassword()
  @Mutation(() => RegisterResult, { description: 'Creates an account and signs it in. Ignores any `Authorization` header.' })
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: RequestContext) {
    return ctx.services.auth.register(input);
  }

  @HashesPassword()
  @Mutation(() => LoginResult, {
    description: 'Signs in with email and password. Unknown email and wrong password give the same error.',
  })
  login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.auth.login(email, password);
  }

  @Authorized()
  @ActsAsViewer('required')
  @Mutation(() => Boolean, { description: 'Revokes the access token that made this request. Always true.' })
  logout(@CurrentViewer() viewer: AccessClaims, @Ctx() ctx: RequestContext) {
    return ctx.services.auth.logout(viewer);
  }
}
