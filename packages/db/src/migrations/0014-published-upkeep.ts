import { type Kysely, sql } from 'kysely';

// Frozen once merged (migration 0015 reuses addFrom and subtractFrom, as they are here).
//
// Cheaper upkeep of the published table (issue 15: keeping it current adds at most 20 % to a
// 100,000-row commit). Same rows, same n and key sums as migration 0012; only how they are found
// and written changes.
//
// - published_area_square: 250 m BNG squares (i, j: the square [250 i, 250 i + 250] x
//   [250 j, 250 j + 250], closed) of each partnership's district extent whose district is known
//   for every point in them: `code` is the first district by code among those with one piece
//   covering the whole square, when no piece of a district earlier by code touches it, or null when
//   no piece touches the square at all (its points are in no district). A record whose point
//   lies in such a square takes its district from a hash join instead of an index probe and a
//   point-in-polygon test; the rest (squares on a district border or a piece's edge: 14,125 of
//   the batch benchmark's 90,109 P records in North Worcestershire) are probed as before, so
//   every record gets exactly the district migration 0012's rule gives it. Rebuilt with
//   published_area_part.
// - The functions that keep the table current run without JIT compilation: the planner saw a
//   100,000-row transition table as worth compiling, and compiling the staging statement alone
//   took 0.7 to 1.3 s of a 100,000-row commit (EXPLAIN ANALYZE), for plain scans, joins and
//   aggregates that gain nothing from it.

const KEY =
  'partnership_id, lattice, month, cell, category, place_type, source_grade, intelligence_grade';
const TOTAL_KEY = 'partnership_id, lattice, month, cell';
const AREA_LATTICE = 'area:district';
const SQUARE = 250;

// The district of record r (0012's rule): from its square when that is decided, else probed.
const DISTRICT = `
  case when sq.partnership_id is not null then sq.code else (
    select a.code from published_area_part a
    where a.partnership_id = r.partnership_id
      and ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700))
    order by a.code limit 1) end`;

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
    select partnership_id, '${AREA_LATTICE}', cell, month, category, place_type, source_grade,
      intelligence_grade, count(*)::integer, sum(round(record_key::numeric, 9))
    from (
      select r.partnership_id, ${DISTRICT} as cell,
        date_trunc('month', r.reported_on)::date as month, r.category, r.place_type,
        r.source_grade, r.intelligence_grade, r.record_key
      from ${source} r
      left join published_area_square sq
        on sq.partnership_id = r.partnership_id
        and sq.i = floor(r.easting / ${SQUARE})::integer
        and sq.j = floor(r.northing / ${SQUARE})::integer
        and r.easting between sq.i * ${SQUARE}::float8 and sq.i * ${SQUARE}::float8 + ${SQUARE}
        and r.northing between sq.j * ${SQUARE}::float8 and sq.j * ${SQUARE}::float8 + ${SQUARE}
      where r.handling_code = 'P' and ${where}
      -- Not merged into the outer query, whose filter on cell would run the probe again.
      offset 0
    ) d
    where cell is not null
    group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

function staged(source: string, where?: string) {
  return `
    create temporary table if not exists published_delta (
      partnership_id uuid, lattice text, cell text, month date, category text, place_type text,
      source_grade text, intelligence_grade text, n integer, key_sum numeric) on commit drop;
    truncate published_delta;
    insert into published_delta ${contributions(source, where)};`;
}

export function addFrom(source: string, where?: string) {
  return `
    ${staged(source, where)}
    insert into published_cell (${KEY}, n, key_sum)
    select ${KEY}, n, key_sum from published_delta
    on conflict (${KEY}) do update set n = published_cell.n + excluded.n,
      key_sum = published_cell.key_sum + excluded.key_sum;
    insert into published_cell_total (${TOTAL_KEY}, n, key_sum)
    select ${TOTAL_KEY}, sum(n), sum(key_sum) from published_delta
    group by ${TOTAL_KEY}
    on conflict (${TOTAL_KEY}) do update set n = published_cell_total.n + excluded.n,
      key_sum = published_cell_total.key_sum + excluded.key_sum;`;
}

export function subtractFrom(source: string, where?: string) {
  return `
    ${staged(source, where)}
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
  await sql`
    create table published_area_square (
      partnership_id uuid not null references partnership(id) on delete cascade,
      i integer not null,
      j integer not null,
      code text,
      primary key (partnership_id, i, j)
    )`.execute(db);

  await sql
    .raw(`
    create or replace function published_cell_rebuild(pid uuid) returns void language plpgsql
      set jit = off as $$
    begin
      delete from published_cell where partnership_id = pid;
      delete from published_cell_total where partnership_id = pid;
      ${addFrom('intelligence_record', `r.partnership_id = pid`)}
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create or replace function published_area_rebuild(pid uuid) returns void language plpgsql as $$
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
      delete from published_area_square where partnership_id = pid;
      insert into published_area_square (partnership_id, i, j, code)
      select pid, sq.i, sq.j, c.code
      from (select ST_Extent(geom) as box from published_area_part where partnership_id = pid) e
      cross join lateral generate_series(floor(ST_XMin(e.box) / ${SQUARE})::integer,
        floor(ST_XMax(e.box) / ${SQUARE})::integer) as x(i)
      cross join lateral generate_series(floor(ST_YMin(e.box) / ${SQUARE})::integer,
        floor(ST_YMax(e.box) / ${SQUARE})::integer) as y(j)
      cross join lateral (select x.i, y.j, ST_MakeEnvelope(x.i * ${SQUARE}::float8,
        y.j * ${SQUARE}::float8, x.i * ${SQUARE}::float8 + ${SQUARE},
        y.j * ${SQUARE}::float8 + ${SQUARE}, 27700) as geom) sq
      cross join lateral (
        select min(a.code) filter (where ST_Covers(a.geom, sq.geom)) as code,
          min(a.code) as first_touching
        from published_area_part a
        where a.partnership_id = pid and ST_Intersects(a.geom, sq.geom)) c
      where e.box is not null and (c.first_touching is null or c.code = c.first_touching);
      perform published_cell_rebuild(pid);
    end $$`)
    .execute(db);
  const triggers = {
    inserted: addFrom('new_records'),
    deleted: subtractFrom('old_records'),
    updated: `${subtractFrom('old_records')} ${addFrom('new_records')}`,
  };
  for (const [event, body] of Object.entries(triggers)) {
    await sql
      .raw(`
      create or replace function published_cell_${event}() returns trigger language plpgsql
        set jit = off as $$
      begin
        ${body}
        return null;
      end $$`)
      .execute(db);
  }

  await sql`select published_area_rebuild(id) from partnership`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
