/** One filter of a GET form: `none` (no value, "all" unless told), then its options as [value, label]. */
export function FilterSelect({
  label,
  name,
  value,
  options,
  none = "all",
}: {
  label: string;
  name: string;
  value: string | undefined;
  options: Array<[value: string, label: string]>;
  none?: string;
}) {
  return (
    <label>
      {label}
      <br />
      <select name={name} defaultValue={value ?? ""}>
        <option value="">{none}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}
