import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { AuthUser } from '@crm/auth';
import { newEvent, type CloudEvent } from '@crm/events';
import type { Logger } from '@crm/runtime';

/** One refused request, as the audit log keeps it. */
export interface DeniedAttempt {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
  reason?: string | null;
  user?: AuthUser | null;
  operationType?: string | null;
  operationName?: string | null;
  path?: string | null;
  clientIp?: string | null;
  requestId?: string | null;
  attemptedLogin?: string | null;
}

export const DENIED_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

export interface DeniedAttemptRecorderOptions {
  /** gateway, contacts, pipeline … (the event source and topic crm.<service>.access). */
  service: string;
  /** Writes the events (a subgraph: its outbox; the gateway: Kafka directly). */
  sink: (events: CloudEvent[]) => Promise<void>;
  logger: Logger;
  /** Recorded one by one up to this many per second; the rest are counted in `suppressed`. */
  maxPerSecond?: number;
  flushMs?: number;
}

/**
 * Collects refused requests and writes them as crm.<service>.access.denied events in small
 * batches, off the request path. A flood (say, a script trying tokens) is recorded up to
 * `maxPerSecond`, then counted: the next event carries how many were left out.
 */
export class DeniedAttemptRecorder {
  private queue: CloudEvent[] = [];
  private suppressed = 0;
  private window = { second: 0, count: 0 };
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Counters for metrics and tests. */
  readonly stats = { recorded: 0, suppressed: 0, failed: 0 };

  constructor(private readonly options: DeniedAttemptRecorderOptions) {}

  record(attempt: DeniedAttempt, now = new Date()): void {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.window.second) this.window = { second, count: 0 };
    if (this.window.count >= (this.options.maxPerSecond ?? 20)) {
      this.suppressed += 1;
      this.stats.suppressed += 1;
      return;
    }
    this.window.count += 1;
    const user = attempt.user ?? null;
    this.queue.push(
      newEvent({
        subgraph: this.options.service,
        aggregate: 'access',
        event: 'denied',
        subject: user?.id ?? `ip:${attempt.clientIp ?? 'unknown'}`,
        time: now,
        data: {
          occurredAt: now.toISOString(),
          service: this.options.service,
          code: attempt.code,
          message: attempt.message.slice(0, 500),
          reason: attempt.reason ?? null,
          userId: user?.id ?? null,
          role: user?.role ?? null,
          branchIds: user?.branchIds ?? [],
          operationType: attempt.operationType ?? null,
          operationName: attempt.operationName?.slice(0, 200) ?? null,
          path: attempt.path?.slice(0, 500) ?? null,
          clientIp: attempt.clientIp ?? null,
          requestId: attempt.requestId ?? null,
          attemptedLogin: attempt.attemptedLogin?.slice(0, 254) ?? null,
          suppressed: this.takeSuppressed(),
        },
      }),
    );
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 100);
  }

  /** Records the refusals among a response's errors (at most five per response). */
  recordErrors(errors: readonly GraphQLFormattedError[] | undefined, context: Omit<DeniedAttempt, 'code' | 'message' | 'path' | 'reason'>): void {
    let recorded = 0;
    for (const error of errors ?? []) {
      const code = error.extensions?.['code'];
      if (typeof code !== 'string' || !DENIED_CODES.has(code) || recorded >= 5) continue;
      recorded += 1;
      const reason = error.extensions?.['reason'];
      const attemptedLogin = error.extensions?.['attemptedLogin'];
      this.record({
        ...context,
        code: code as DeniedAttempt['code'],
        message: error.message,
        reason: typeof reason === 'string' ? reason : null,
        path: error.path?.join('.') ?? context.operationName ?? null,
        attemptedLogin: typeof attemptedLogin === 'string' ? attemptedLogin : (context.attemptedLogin ?? null),
      });
    }
  }

  /** Writes what is queued; a failed write is logged (the refusal itself already happened). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        await this.options.sink(events);
        this.stats.recorded += events.length;
      } catch (error) {
        this.stats.failed += events.length;
        this.options.logger.warn({ err: error, events: events.length }, 'could not record denied attempts');
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.suppressed > 0 && this.queue.length === 0) {
      this.options.logger.warn({ suppressed: this.suppressed }, 'denied attempts not recorded one by one');
    }
    await this.flush();
  }

  private takeSuppressed(): number {
    const n = this.suppressed;
    this.suppressed = 0;
    return n;
  }
}

/** Feeds every response's UNAUTHENTICATED / FORBIDDEN errors to the recorder. */
export function deniedAttemptsPlugin<Ctx extends { user?: AuthUser | null; requestId?: string; clientIp?: string }>(
  recorder: DeniedAttemptRecorder,
): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operation, request }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors?.some((e) => DENIED_CODES.has(String(e.extensions?.['code'])))) return;
          recorder.recordErrors(errors, {
            user: contextValue.user ?? null,
            operationType: operation?.operation ?? null,
            operationName: request.operationName ?? operation?.name?.value ?? null,
            clientIp: contextValue.clientIp ?? null,
            requestId: contextValue.requestId ?? null,
          });
        },
      };
    },
  };
}
