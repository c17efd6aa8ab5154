import type { Mailbox } from "@mm/types";

/**
 * A single-slot mailbox: `post` overwrites, `take` returns the latest unread message once. There is
 * never a backlog (law I): a consumer that was busy sees only the newest intent.
 */
export class LatestSlot<T> implements Mailbox<T> {
  private value: T | undefined;
  private unread = false;
  private postedCount = 0;
  private overwrittenCount = 0;

  /** `onPost` runs synchronously after each post (e.g. to wake the consumer). */
  constructor(private readonly onPost?: (message: T) => void) {}

  post(message: T): void {
    if (this.unread) this.overwrittenCount++;
    this.value = message;
    this.unread = true;
    this.postedCount++;
    this.onPost?.(message);
  }

  /** The latest message if it has not been taken yet. */
  take(): T | undefined {
    if (!this.unread) return undefined;
    this.unread = false;
    return this.value;
  }

  /** The latest message, taken or not. */
  peek(): T | undefined {
    return this.value;
  }

  get hasUnread(): boolean {
    return this.unread;
  }
  get posted(): number {
    return this.postedCount;
  }
  /** Messages replaced before anyone took them. */
  get overwritten(): number {
    return this.overwrittenCount;
  }
}
