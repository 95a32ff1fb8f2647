import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Admin areas as a published geography (issue 15, item 1): the partnership's districts join the
// hexagon lattices in published_cell, as lattice 'area:district' with the district's code as the
// cell, so a district's month chart or summary is a published value of the same cell-key table
// (same record keys, same perturbation, same k) and never a count of records.
//
// - published_area_part: each district cut into pieces of at most 64 vertices in BNG metres
//   (ST_Subdivide), indexed, so finding the district of 100,000 committed records is an index
//   probe and a small point-in-polygon test each, not a test against a coastline of thousands of
//   vertices. Derived from `boundary`, rebuilt by a trigger whenever the districts change.
// - A record belongs to at most one district: the first by code among those covering its BNG
//   point (a record on a shared border is counted once). A record outside every district is in
//   no area row (it still counts in its hexagons).
// - published_cell_total: the same counts and key sums summed over the taxonomy and grades, per
//   (lattice, month, cell). The map's default request (no filters) reads these: its work is
//   bounded by cells x months, not by how many records a cell holds, so the first request after
//   a commit stays fast at a million records. Sums of exact key sums, so the same published
//   values.
// - The record triggers of migration 0007 are replaced by ones that add the area rows in the same
//   statement's transaction; published_cell_rebuild recounts both; replacing the districts
//   recounts the partnership's area rows.

const KEY =
  'partnership_id, lattice, month, cell, category, place_type, source_grade, intelligence_grade';

const AREA_LATTICE = 'area:district';

// The contributions of the P records in `source` to the hexagon lattices and the areas.
function contributions(source: string, where = 'true') {
  return `
    select r.partnership_id, 'hex:' || s.size::text as lattice,
      published_hex_cell(r.easting, r.northing, s.size) as cell,
      date_trunc('month', r.reported_on)::date as month, r.category, r.place_type,
      r.source_grade, r.intelligence_grade, count(*)::integer as n,
      sum(round(r.record_key::numeric, 9)) as key_sum
    from ${source} r
    join partnership p on p.id = r.partnership_id
    cross join lateral unnest(p.published_hex_sizes) as s(size)
    where r.handling_code = 'P' and ${where}
    group by 1, 2, 3, 4, 5, 6, 7, 8
    union all
    select r.partnership_id, '${AREA_LATTICE}' as lattice, a.code as cell,
      date_trunc('month', r.reported_on)::date as month, r.category, r.place_type,
      r.source_grade, r.intelligence_grade, count(*)::integer as n,
      sum(round(r.record_key::numeric, 9)) as key_sum
    from ${source} r
    cross join lateral (
      select a.code from published_area_part a
      where a.partnership_id = r.partnership_id
        and ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700))
      order by a.code limit 1) a
    where r.handling_code = 'P' and ${where}
    group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

const TOTAL_KEY = 'partnership_id, lattice, month, cell';

// Each statement's contributions are computed once into a temporary table, then added to both
// published_cell and its per-cell monthly totals.
function staged(source: string, where?: string) {
  return `
    create temporary table if not exists published_delta (
      partnership_id uuid, lattice text, cell text, month date, category text, place_type text,
      source_grade text, intelligence_grade text, n integer, key_sum numeric) on commit drop;
    truncate published_delta;
    insert into published_delta ${contributions(source, where)};`;
}

function addFrom(source: string, where?: string) {
  return `
    ${staged(source, where)}
    insert into published_cell (${KEY}, n, key_sum)
    select partnership_id, lattice, month, cell, category, place_type, source_grade,
      intelligence_grade, n, key_sum
    from published_delta
    on conflict (${KEY}) do update set n = published_cell.n + excluded.n,
      key_sum = published_cell.key_sum + excluded.key_sum;
    insert into published_cell_total (${TOTAL_KEY}, n, key_sum)
    select ${TOTAL_KEY}, sum(n), sum(key_sum) from published_delta group by ${TOTAL_KEY}
    on conflict (${TOTAL_KEY}) do update set n = published_cell_total.n + excluded.n,
      key_sum = published_cell_total.key_sum + excluded.key_sum;`;
}

function subtractFrom(source: string) {
  return `
    ${staged(source)}
    update published_cell t set n = t.n - c.n, key_sum = t.key_sum - c.key_sum
    from published_delta c
    where (t.partnership_id, t.lattice, t.month, t.cell, t.category, t.place_type,
      t.source_grade, t.intelligence_grade) = (c.partnership_id, c.lattice, c.month, c.cell,
      c.category, c.place_type, c.source_grade, c.intelligence_grade);
    update published_cell_total t set n = t.n - c.n, key_sum = t.key_sum - c.key_sum
    from (select ${TOTAL_KEY}, sum(n) as n, sum(key_sum) as key_sum from published_delta
          group by ${TOTAL_KEY}) c
    where (t.partnership_id, t.lattice, t.month, t.cell) =
      (c.partnership_id, c.lattice, c.month, c.cell);
    delete from published_cell
    where n = 0 and partnership_id in (select distinct partnership_id from published_delta);
    delete from published_cell_total
    where n = 0 and partnership_id in (select distinct partnership_id from published_delta);`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // The derived tables carry no foreign key to partnership: only the triggers write them, from
  // records whose own keys hold, and a per-row check on every upserted row was 60 % of the cost
  // of keeping them current (a 100,000-row commit). A deleted partnership's rows go with it here.
  await sql`alter table published_cell drop constraint published_cell_partnership_id_fkey`.execute(
    db,
  );
  await sql`
    create function published_partnership_deleted() returns trigger language plpgsql as $$
    begin
      delete from published_cell where partnership_id in (select id from gone);
      delete from published_cell_total where partnership_id in (select id from gone);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger published_partnership_deleted after delete on partnership
    referencing old table as gone
    for each statement execute function published_partnership_deleted()`.execute(db);
  await sql`
    create table published_cell_total (
      partnership_id uuid not null,
      lattice text not null,
      month date not null,
      cell text not null,
      n integer not null check (n >= 0),
      key_sum numeric not null check (key_sum >= 0),
      primary key (partnership_id, lattice, month, cell)
    )`.execute(db);
  await sql`
    create table published_area_part (
      partnership_id uuid not null references partnership(id) on delete cascade,
      code text not null,
      geom geometry(Polygon, 27700) not null
    )`.execute(db);
  await sql`create index published_area_part_geom_idx on published_area_part using gist (geom)`.execute(
    db,
  );
  await sql`create index published_area_part_partnership_idx on published_area_part (partnership_id)`.execute(
    db,
  );

  await sql
    .raw(`
    create or replace function published_cell_rebuild(pid uuid) returns void language plpgsql as $$
    begin
      delete from published_cell where partnership_id = pid;
      delete from published_cell_total where partnership_id = pid;
      ${addFrom('intelligence_record', `r.partnership_id = pid`)}
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create function published_area_rebuild(pid uuid) returns void language plpgsql as $$
    begin
      -- A partnership being deleted takes its boundaries with it: nothing to recount.
      if not exists (select 1 from partnership where id = pid) then return; end if;
      delete from published_area_part where partnership_id = pid;
      insert into published_area_part (partnership_id, code, geom)
      select b.partnership_id, b.code, d.geom
      from boundary b
      cross join lateral ST_Dump(ST_CollectionExtract(ST_MakeValid(ST_Transform(b.geom, 27700)), 3)) as piece
      cross join lateral ST_Subdivide(piece.geom, 64) as d(geom)
      where b.partnership_id = pid and b.kind = 'district';
      perform published_cell_rebuild(pid);
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create or replace function published_cell_inserted() returns trigger language plpgsql as $$
    begin
      ${addFrom('new_records')}
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create or replace function published_cell_deleted() returns trigger language plpgsql as $$
    begin
      ${subtractFrom('old_records')}
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create or replace function published_cell_updated() returns trigger language plpgsql as $$
    begin
      ${subtractFrom('old_records')}
      ${addFrom('new_records')}
      return null;
    end $$`)
    .execute(db);

  // Any change to a partnership's districts recounts its area rows (and its hexagons, which is
  // cheap beside a boundary upload and keeps one rebuild path).
  for (const [event, tables] of [
    ['insert', 'new table as changed'],
    ['delete', 'old table as changed'],
  ] as const) {
    await sql
      .raw(`
      create function published_areas_${event}d() returns trigger language plpgsql as $$
      begin
        perform published_area_rebuild(p.partnership_id)
        from (select distinct partnership_id from changed where kind = 'district') p;
        return null;
      end $$`)
      .execute(db);
    await sql
      .raw(`
      create trigger published_areas_${event}d after ${event} on boundary
      referencing ${tables}
      for each statement execute function published_areas_${event}d()`)
      .execute(db);
  }
  await sql
    .raw(`
    create function published_areas_updated() returns trigger language plpgsql as $$
    begin
      perform published_area_rebuild(p.partnership_id)
      from (select partnership_id from old_b where kind = 'district'
            union select partnership_id from new_b where kind = 'district') p;
      return null;
    end $$`)
    .execute(db);
  await sql`
    create trigger published_areas_updated after update on boundary
    referencing old table as old_b new table as new_b
    for each statement execute function published_areas_updated()`.execute(db);

  await sql`select published_area_rebuild(id) from partnership`.execute(db);
}
