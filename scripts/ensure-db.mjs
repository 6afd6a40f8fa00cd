// Creates the PostgreSQL database named by DATABASE_URL when it does not exist yet (used by the e2e
// team-mode server, which gets its own database next to the open-mode one). No-op without DATABASE_URL.
import pg from "pg";

const url = process.env.DATABASE_URL;
if (url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`ensure-db: unsupported database name ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name}"`);
      console.log(`ensure-db: created database ${name}`);
    }
  } finally {
    await client.end();
  }
}
