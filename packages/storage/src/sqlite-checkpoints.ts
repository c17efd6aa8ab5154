import type { Clock } from "@mm/types";
import type { Database } from "./database.js";
import type { Checkpoint } from "./records.js";
import type { CheckpointRepository } from "./repositories.js";
import { checkSafeInt, checkString, toJson } from "./internal/validate.js";

interface CheckpointRow {
  name: string;
  position: string;
  ts: number;
  data: string | null;
  updated_at: number;
}

function fromRow(r: CheckpointRow): Checkpoint {
  return {
    name: r.name,
    position: r.position,
    timestamp: r.ts,
    ...(r.data === null ? {} : { data: JSON.parse(r.data) as unknown }),
    updatedAt: r.updated_at,
  };
}

export class SqliteCheckpointRepository implements CheckpointRepository {
  private readonly byName;
  private readonly byPrefix;
  private readonly write;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    const c = db.connection;
    this.byName = c.prepare("SELECT * FROM market_data_checkpoints WHERE name = ?");
    // substr comparison instead of LIKE: names may contain % and _.
    this.byPrefix = c.prepare("SELECT * FROM market_data_checkpoints WHERE substr(name, 1, length(@prefix)) = @prefix ORDER BY name");
    this.write = c.prepare(
      `INSERT INTO market_data_checkpoints (name, position, ts, data, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, ts = excluded.ts, data = excluded.data, updated_at = excluded.updated_at`,
    );
  }

  async get(name: string): Promise<Checkpoint | undefined> {
    const row = this.db.run(() => this.byName.get(name) as CheckpointRow | undefined, "checkpoint read failed");
    return row === undefined ? undefined : fromRow(row);
  }

  async put(checkpoint: Omit<Checkpoint, "updatedAt">): Promise<Checkpoint> {
    checkString(checkpoint.name, "checkpoint name", 512);
    checkString(checkpoint.position, `checkpoint ${checkpoint.name} position`, 65_536, true);
    checkSafeInt(checkpoint.timestamp, `checkpoint ${checkpoint.name} timestamp`);
    const data = checkpoint.data === undefined ? null : toJson(checkpoint.data, `checkpoint ${checkpoint.name} data`);
    const updatedAt = this.clock.now();
    this.db.run(
      () => this.write.run(checkpoint.name, checkpoint.position, checkpoint.timestamp, data, updatedAt),
      "checkpoint write failed",
    );
    return {
      name: checkpoint.name,
      position: checkpoint.position,
      timestamp: checkpoint.timestamp,
      ...(data === null ? {} : { data: JSON.parse(data) as unknown }),
      updatedAt,
    };
  }

  async list(prefix = ""): Promise<Checkpoint[]> {
    return this.db.run(() => this.byPrefix.all({ prefix }) as CheckpointRow[], "checkpoint list failed").map(fromRow);
  }
}
