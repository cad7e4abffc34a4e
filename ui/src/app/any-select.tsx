/** One choice of an `AnySelect`: its value, and the text shown for it (the value when left out). */
export interface Choice {
  value: string;
  text?: string;
}

/**
 * A labelled filter: a `<select name={name}>` whose first option, "any" (value `""`), filters nothing,
 * followed by `choices`; `onChoose` gets the value chosen.
 */
export function AnySelect({ label, name, value, choices, onChoose }: { label: string; name: string; value: string; choices: Choice[]; onChoose: (value: string) => void }) {
  return (
    <label>
      {label}{" "}
      <select name={name} value={value} onChange={(event) => onChoose(event.currentTarget.value)}>
        <option value="">any</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.text ?? choice.value}
          </option>
        ))}
      </select>
    </label>
  );
}
