import DataLoader from 'dataloader';
import type { ContactsContext } from './context';
import type { UserAuthService } from './services/user-auth-service';
import type { UserDeniedAttemptService } from './services/user-denied-attempt-service';
import type { UserRecord } from './services/user-record';
import type { UserService } from './services/user-service';

/** The contacts context plus what the users' resolvers need: services and a batched user loader. */
export interface UserContext extends ContactsContext {
  users: UserService;
  userAuth: UserAuthService;
  deniedAttempts: UserDeniedAttemptService;
  userLoader: DataLoader<string, UserRecord | null>;
}

export interface UserServices {
  users: UserService;
  userAuth: UserAuthService;
  deniedAttempts: UserDeniedAttemptService;
}

export function withUserContext<C extends ContactsContext>(ctx: C, services: UserServices): C & UserContext {
  return { ...ctx, ...services, userLoader: new DataLoader((ids: readonly string[]) => services.users.findByIds(ids)) };
}
