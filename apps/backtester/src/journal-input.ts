/**
 * Bot journals as input: the executor journal one bot session wrote through @mm/storage's
 * `JournalWriter`, read back page by page (entries are the executor's `JournalEntry` objects).
 */
import { existsSync } from "node:fs";
import type { JournalEntry } from "@mm/executor";
import { SqliteStorage } from "@mm/storage";

const PAGE = 50_000;

/** Every entry of `sessionId` in the SQLite database at `path`, in seq order. */
export async function readJournalSession(path: string, sessionId: string): Promise<JournalEntry[]> {
  // Opening a missing path would create an empty database: refuse instead.
  if (!existsSync(path)) throw Object.assign(new Error(`no such journal database: ${path}`), { code: "ENOENT" });
  const storage = SqliteStorage.open({ path });
  try {
    const out: JournalEntry[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await storage.journal.read({ sessionId, afterSeq, limit: PAGE });
      for (const row of page) {
        const e = row.entry as unknown as { type?: unknown; at?: unknown };
        if (typeof e?.type === "string" && typeof e.at === "number") out.push(row.entry as unknown as JournalEntry);
      }
      if (page.length < PAGE) break;
      afterSeq = page[page.length - 1]?.seq ?? afterSeq;
    }
    return out;
  } finally {
    await storage.close();
  }
}
