import { Arg, Ctx, Extensions, FieldResolver, Int, Resolver, Root, UseMiddleware } from 'type-graphql';
import { accountOwnerId, type RequestContext } from '../../../graphql/context';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { UserType } from '../../../graphql/types/UserType';
import { DEFAULT_PAGE, MAX_PAGE } from '../SecurityLogService';
import { SecurityEventConnection } from './types';

@Resolver(() => UserType)
@UseMiddleware(RootFieldInterceptor)
export class SecurityLogResolver {
  @Extensions({ computed: true })
  @FieldResolver(() => SecurityEventConnection, {
    description: "The account's security log, newest first: sign-ins, password and address changes, ended sessions.",
  })
  async securityEvents(
    @Root() user: UserType,
    @Arg('first', () => Int, { nullable: true, description: `How many entries (1 to ${MAX_PAGE}; ${DEFAULT_PAGE} when left out).` })
    first: number | null | undefined,
    @Arg('after', () => String, { nullable: true, description: "Continue after this entry: a previous page's `endCursor`." })
    after: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    // A user only ever appears to themself, but a log is shown to its own account only, whatever comes.
    if (user.id !== (await accountOwnerId(ctx))) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    return ctx.services.securityLog.list(user.id, first, after);
  }
}
