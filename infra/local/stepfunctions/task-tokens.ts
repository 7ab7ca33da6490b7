/**
 * Callback task tokens. The engine has no notion of them, so they are minted here: opaque,
 * unguessable and long like AWS's, handed to the workflow through `$$.Task.Token`, and
 * answered through SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
 *
 * Answers follow AWS: a malformed token is InvalidToken, a well-formed token this endpoint
 * never issued is TaskDoesNotExist, and a token whose task is over (answered, timed out,
 * cancelled, execution closed or lost to a restart) is TaskTimedOut.
 */
import { randomBytes } from 'node:crypto';
import { sfnErrors } from './errors.ts';
import type { JsonValue } from './json.ts';

const PREFIX = 'AQ';
const RANDOM_BYTES = 192;
const TOKEN_FORMAT = new RegExp(`^${PREFIX}[A-Za-z0-9_-]{${Math.ceil((RANDOM_BYTES * 4) / 3)}}$`);
/** AWS's limit on taskToken; longer values fail request validation before any lookup. */
const MAX_TOKEN_LENGTH = 2048;

export function mintTaskToken(): string {
  return PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}

export interface TaskAnswer {
  succeed(output: JsonValue): void;
  fail(error: string | undefined, cause: string | undefined): void;
  heartbeat(): void;
}

export class TaskTokenRegistry {
  private readonly pending = new Map<string, TaskAnswer>();
  private readonly closed = new Set<string>();

  open(token: string, answer: TaskAnswer): void {
    this.pending.set(token, answer);
  }

  /** Ends the task behind a token; later answers get TaskTimedOut. */
  close(token: string): void {
    this.pending.delete(token);
    this.closed.add(token);
  }

  /** Tokens of executions loaded from disk: their tasks cannot be resumed. */
  closeAll(tokens: Iterable<string>): void {
    for (const token of tokens) this.close(token);
  }

  /** The open task behind a token, or the AWS error for answering it. */
  lookup(token: string): TaskAnswer {
    if (token.length > MAX_TOKEN_LENGTH) {
      throw sfnErrors.validation(
        `Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`,
      );
    }
    if (!TOKEN_FORMAT.test(token)) throw sfnErrors.invalidToken();
    const answer = this.pending.get(token);
    if (answer) return answer;
    throw this.closed.has(token) ? sfnErrors.taskTimedOut() : sfnErrors.taskDoesNotExist();
  }
}

/**
 * What `$$.Task.Token` reads. The engine resolves a Task's Parameters and then calls the
 * Task's handler in the same synchronous run, so a token minted on first read ("armed") is
 * claimed by the very next handler call; repeated reads while resolving one Task give the
 * same token. A token armed but never claimed (its Parameters failed) is simply reused.
 */
export class ContextTokenSource {
  private armed: string | undefined;
  /** Placed at `$$.Task` in the execution's context object. */
  readonly contextTask: { readonly Token: string };

  constructor() {
    const task = {};
    Object.defineProperty(task, 'Token', { enumerable: true, get: () => (this.armed ??= mintTaskToken()) });
    this.contextTask = task as { readonly Token: string };
  }

  claim(): string {
    const token = this.armed ?? mintTaskToken();
    this.armed = undefined;
    return token;
  }
}
