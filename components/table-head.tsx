/** A table's header row; the `num` columns are right-aligned like their numbers, "" is a column without a heading. */
export function TableHead({ cols, num = [] }: { cols: string[]; num?: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          <th key={i} className={num.includes(c) ? "num" : undefined}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
