import DataLoader from 'dataloader';
import type { ContactsContext } from './context';
import type { UserAuthService } from './services/user-auth-service';
import type { UserRecord } from './services/user-record';
import type { UserService } from './services/user-service';

/** The contacts context plus what the users' resolvers need: services and a batched user loader. */
export interface UserContext extends ContactsContext {
  users: UserService;
  userAuth: UserAuthService;
  userLoader: DataLoader<string, UserRecord | null>;
}

export function withUserContext<C extends ContactsContext>(ctx: C, users: UserService, userAuth: UserAuthService): C & UserContext {
  return { ...ctx, users, userAuth, userLoader: new DataLoader((ids: readonly string[]) => users.findByIds(ids)) };
}
