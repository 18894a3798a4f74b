import { requireSession, requireUser } from '@crm/auth';
import { unauthenticated } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { UserContext } from '../user-context';
import type { NewUserInput, UserProfileInput } from '../domain/user-input';
import type { AuthSession } from '../services/user-auth-service';
import type { DeniedAttemptFilter, DeniedAttemptRecord } from '../services/user-denied-attempt-service';
import type { UserRecord } from '../services/user-record';
import type { UserFilter, UserOrder, VersionedInput } from '../services/user-service';

type Args<T> = { input: T };

function sessionPayload(session: AuthSession) {
  return session;
}

/** Users, login and sessions. Login, refreshToken and logout are the only resolvers that need no token. */
export const userResolvers = {
  UserRole: { NONE: 'none', USER_OWN: 'user_own', USER_TEAM: 'user_team', USER_ALL: 'user_all', ADMIN: 'admin' },
  Query: {
    me: async (_: unknown, __: unknown, ctx: UserContext) => {
      const session = requireSession(ctx);
      const user = await ctx.userLoader.load(session.id);
      // A validly signed token of a user who does not exist here (e.g. signed by hand for a test).
      if (!user) throw unauthenticated('the user of this token does not exist');
      return user;
    },
    user: (_: unknown, args: { id: string }, ctx: UserContext) => {
      requireUser(ctx);
      return isUuid(args.id) ? ctx.userLoader.load(args.id) : null;
    },
    users: (_: unknown, args: { filter?: UserFilter | null; orderBy?: UserOrder | null; first?: number; after?: string }, ctx: UserContext) => {
      requireUser(ctx);
      return ctx.users.list(args.filter ?? {}, args.orderBy, args);
    },
    deniedAttempts: (_: unknown, args: { filter?: DeniedAttemptFilter | null; first?: number; after?: string }, ctx: UserContext) =>
      ctx.deniedAttempts.list(args.filter ?? {}, args, ctx),
  },
  Mutation: {
    login: async (_: unknown, args: Args<{ email: string; password: string }>, ctx: UserContext) =>
      sessionPayload(await ctx.userAuth.login(args.input, { userAgent: ctx.userAgent })),
    refreshToken: async (_: unknown, args: Args<{ refreshToken: string }>, ctx: UserContext) =>
      sessionPayload(await ctx.userAuth.refresh(args.input, { userAgent: ctx.userAgent })),
    logout: async (_: unknown, args: Args<{ refreshToken: string }>, ctx: UserContext) => ({
      revoked: await ctx.userAuth.logout(args.input),
    }),
    createUser: async (_: unknown, args: Args<NewUserInput>, ctx: UserContext) => ({ user: await ctx.users.create(args.input, ctx) }),
    updateUser: async (_: unknown, args: Args<VersionedInput & UserProfileInput>, ctx: UserContext) => ({
      user: await ctx.users.updateProfile(args.input, ctx),
    }),
    setUserAccess: async (
      _: unknown,
      args: Args<VersionedInput & { role?: string | null; branchIds?: string[] | null; teamIds?: string[] | null }>,
      ctx: UserContext,
    ) => ({ user: await ctx.users.setAccess(args.input, ctx) }),
    deactivateUser: async (_: unknown, args: Args<VersionedInput>, ctx: UserContext) => ({
      user: await ctx.users.setActive(args.input, false, ctx),
    }),
    reactivateUser: async (_: unknown, args: Args<VersionedInput>, ctx: UserContext) => ({
      user: await ctx.users.setActive(args.input, true, ctx),
    }),
    setUserPassword: async (_: unknown, args: Args<{ id: string; password: string }>, ctx: UserContext) => ({
      user: await ctx.users.setPassword(args.input, ctx),
    }),
    changeMyPassword: async (_: unknown, args: Args<{ currentPassword: string; newPassword: string }>, ctx: UserContext) => {
      const user = await ctx.users.changeOwnPassword(args.input, ctx);
      const session = await ctx.userAuth.startSession(user.id, { userAgent: ctx.userAgent });
      return { user, session };
    },
  },
  DeniedAttempt: {
    user: (attempt: DeniedAttemptRecord, _: unknown, ctx: UserContext) => (attempt.userId ? ctx.userLoader.load(attempt.userId) : null),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: UserContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.userLoader.load(ref.id) : null;
    },
    contact: (user: UserRecord, _: unknown, ctx: UserContext) => (user.contactId ? ctx.loaders.contact.load(user.contactId) : null),
    lastLoginAt: (user: UserRecord, _: unknown, ctx: UserContext) =>
      ctx.user && (ctx.user.role === 'admin' || ctx.user.id === user.id) ? user.lastLoginAt : null,
  },
};
