import type { BoundaryCollection } from '@hotspot/contracts';

/** A district's figures (published values for chairs): the districts are a published geography. */
export function DistrictPicker({
  districts,
  selected,
  onSelect,
}: {
  readonly districts: BoundaryCollection;
  readonly selected: string;
  readonly onSelect: (code: string, name: string) => void;
}) {
  const options = [...districts.features]
    .map((f) => f.properties)
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="field">
      <label htmlFor="district-summary">Summarise a district</label>
      <select
        id="district-summary"
        value={selected}
        onChange={(ev) => {
          const code = ev.currentTarget.value;
          onSelect(code, options.find((o) => o.code === code)?.name ?? code);
        }}
      >
        <option value="">Choose a district</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
