import { type Kysely, sql } from 'kysely';

// Frozen once merged.
//
// Disclosure control, version 2 (issue 15): one published table of counts, from which everything
// a non-analyst sees is derived.
//
// - intelligence_record.record_key: a random number in [0, 1), a multiple of 1e-9, given to each
//   record when it is stored (existing rows get one each here) and never served. Key sums add
//   the keys as numeric with 9 decimals, exactly, whatever digits a database prints for a
//   double, so adding and removing records gives exactly what a recount gives. A BEFORE INSERT
//   trigger fills it when an insert leaves it null (a restore of a backup written before this
//   migration), so no path can store a record without one.
// - partnership.published_hex_sizes: the published lattices, BNG-anchored hexagons of these
//   sizes (circumradius in metres, as sizeMeters everywhere), 250/500/1000 by default and never
//   finer than 100 m.
// - partnership.perturbation: the perturbation table of the cell key method, stored with the
//   partnership when it is created, so published values never change because code changed. Rows
//   are chosen by how far the true count n lies above the threshold k (0, 1, 2 or more); the
//   cell key (the fractional part of the sum of the cell's record keys) picks the noise through
//   the cumulative probabilities. Bound D = 2: no published value is more than 2 from the truth,
//   so the busiest places stay the darkest. From k+2 upwards the noise is uniform on -2..2 (mean
//   0, variance 2: the widest spread the bound allows, so the difference of two overlapping
//   cells is noise, not a record); at k+1 it is -1..2 (mean 0, variance 1) and at k it is 0..2
//   (mean 0.55, variance 0.55), since a count of at least k is never published below k.
// - published_cell: true counts per (lattice, cell, month, category, place type, source grade,
//   intelligence grade) with the sum of their record keys, P records only. Statement-level triggers keep
//   it current inside the transaction of every insert, update and delete of records (batch
//   commit and withdrawal, single records, erasure, demo seeding, restore), and a change of the
//   lattice sizes rebuilds the partnership's rows.
const PERTURBATION = {
  method: 'cell-key',
  bound: 2,
  rows: [
    { above: 0, noise: [0, 1, 2], cumulative: [0.6, 0.85, 1] },
    { above: 1, noise: [-1, 0, 1, 2], cumulative: [0.4, 0.7, 0.9, 1] },
    { above: 2, noise: [-2, -1, 0, 1, 2], cumulative: [0.2, 0.4, 0.6, 0.8, 1] },
  ],
};

// The contributions of the records in `source` (a table or transition table) to published_cell.
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
    group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

const KEY =
  'partnership_id, lattice, month, cell, category, place_type, source_grade, intelligence_grade';

function addFrom(source: string, where?: string) {
  return `
    insert into published_cell (${KEY}, n, key_sum)
    select partnership_id, lattice, month, cell, category, place_type, source_grade,
      intelligence_grade, n, key_sum
    from (${contributions(source, where)}) c
    on conflict (${KEY}) do update set n = published_cell.n + excluded.n,
      key_sum = published_cell.key_sum + excluded.key_sum;`;
}

function subtractFrom(source: string) {
  return `
    update published_cell t set n = t.n - c.n, key_sum = t.key_sum - c.key_sum
    from (${contributions(source)}) c
    where (t.partnership_id, t.lattice, t.month, t.cell, t.category, t.place_type,
      t.source_grade, t.intelligence_grade) = (c.partnership_id, c.lattice, c.month, c.cell,
      c.category, c.place_type, c.source_grade, c.intelligence_grade);
    delete from published_cell
    where n = 0 and partnership_id in (select distinct partnership_id from ${source});`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table intelligence_record add column record_key double precision not null
      default floor(random() * 1e9::float8) / 1e9::float8
      check (record_key >= 0 and record_key < 1)`.execute(db);
  await sql`
    create function intelligence_record_key() returns trigger language plpgsql as $$
    begin
      if new.record_key is null then new.record_key := floor(random() * 1e9::float8) / 1e9::float8; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger intelligence_record_key before insert on intelligence_record
    for each row execute function intelligence_record_key()`.execute(db);

  await sql`
    alter table partnership add column published_hex_sizes integer[] not null
      default '{250,500,1000}'
      check (cardinality(published_hex_sizes) between 1 and 6
        and 100 <= all(published_hex_sizes) and 20000 >= all(published_hex_sizes))`.execute(db);
  await sql`
    alter table partnership add column perturbation jsonb not null
      default ${sql.lit(JSON.stringify(PERTURBATION))}::jsonb`.execute(db);

  // The hexagon (PostGIS ST_HexagonGrid numbering, "i:j") holding a BNG point: the arithmetic of
  // hexIndexAt in @hotspot/analysis step by step, with its rounding (half up), so the database
  // and the API put a point on an edge in the same cell.
  await sql`
    create function published_hex_cell(x double precision, y double precision, size double precision)
    returns text language plpgsql immutable parallel safe as $$
    declare
      qf double precision := ((2::float8 / 3::float8) * x) / size;
      rf double precision := (((-1)::float8 / 3::float8) * x + (sqrt(3::float8) / 3::float8) * y) / size;
      sf double precision := -qf - rf;
      q double precision := floor(qf);
      r double precision := floor(rf);
      s double precision := floor(sf);
      dq double precision;
      dr double precision;
      ds double precision;
    begin
      if qf - q >= 0.5 then q := q + 1; end if;
      if rf - r >= 0.5 then r := r + 1; end if;
      if sf - s >= 0.5 then s := s + 1; end if;
      dq := abs(q - qf);
      dr := abs(r - rf);
      ds := abs(s - sf);
      if dq > dr and dq > ds then q := -r - s;
      elsif dr > ds then r := -q - s;
      end if;
      return q::bigint::text || ':' || (r + floor(q / 2))::bigint::text;
    end $$`.execute(db);

  await sql`
    create table published_cell (
      partnership_id uuid not null references partnership(id) on delete cascade,
      lattice text not null,
      month date not null check (extract(day from month) = 1),
      cell text not null,
      category text not null,
      place_type text not null,
      source_grade text not null,
      intelligence_grade text not null,
      n integer not null check (n >= 0),
      key_sum numeric not null check (key_sum >= 0),
      primary key (partnership_id, lattice, month, cell, category, place_type, source_grade,
        intelligence_grade)
    )`.execute(db);

  await sql
    .raw(`
    create function published_cell_rebuild(pid uuid) returns void language plpgsql as $$
    begin
      delete from published_cell where partnership_id = pid;
      ${addFrom('intelligence_record', `r.partnership_id = pid`)}
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create function published_cell_inserted() returns trigger language plpgsql as $$
    begin
      ${addFrom('new_records')}
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create function published_cell_deleted() returns trigger language plpgsql as $$
    begin
      ${subtractFrom('old_records')}
      return null;
    end $$`)
    .execute(db);
  await sql
    .raw(`
    create function published_cell_updated() returns trigger language plpgsql as $$
    begin
      ${subtractFrom('old_records')}
      ${addFrom('new_records')}
      return null;
    end $$`)
    .execute(db);
  await sql`
    create trigger published_cell_inserted after insert on intelligence_record
    referencing new table as new_records
    for each statement execute function published_cell_inserted()`.execute(db);
  await sql`
    create trigger published_cell_deleted after delete on intelligence_record
    referencing old table as old_records
    for each statement execute function published_cell_deleted()`.execute(db);
  await sql`
    create trigger published_cell_updated after update on intelligence_record
    referencing old table as old_records new table as new_records
    for each statement execute function published_cell_updated()`.execute(db);
  await sql`
    create function published_cell_lattices_changed() returns trigger language plpgsql as $$
    begin
      perform published_cell_rebuild(new.id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger published_cell_lattices_changed after update of published_hex_sizes on partnership
    for each row when (old.published_hex_sizes is distinct from new.published_hex_sizes)
    execute function published_cell_lattices_changed()`.execute(db);

  await sql`select published_cell_rebuild(id) from partnership`.execute(db);
}
