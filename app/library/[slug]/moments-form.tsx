"use client";
/**
 * Key moments (labelled marks on the replay's scrubber) and suggested pause points (updates a
 * class session may pause before), edited together and saved in one request.
 */
import { useState } from "react";
import { DateTime } from "luxon";
import button from "../../button.module.css";
import styles from "../library.module.css";
import { jsonBody, libraryFetch } from "../library-fetch";
import { instantFrom } from "./unlock";

type Props = {
  slug: string;
  zone: string;
  keyMoments: Array<{ label: string; at: string }>;
  pauseKeys: string[];
  /** Replay order. */
  entries: Array<{ key: string; publishedAt: string; title: string }>;
};

type Row = { label: string; date: string; time: string };

export function MomentsForm({ slug, zone, keyMoments, pauseKeys, entries }: Props) {
  const toRow = (m: { label: string; at: string }): Row => {
    const at = DateTime.fromISO(m.at).setZone(zone);
    return { label: m.label, date: at.toISODate() ?? "", time: at.toFormat("HH:mm") };
  };
  const [rows, setRows] = useState<Row[]>(keyMoments.map(toRow));
  const [pauses, setPauses] = useState(new Set(pauseKeys));
  const [status, setStatus] = useState<{ ok: boolean; message: string }>();
  const firstDay = entries[0] ? DateTime.fromISO(entries[0].publishedAt).setZone(zone).toISODate() ?? "" : "";

  async function save() {
    const bad = rows.findIndex((r) => !instantFrom(r.date, r.time, zone));
    if (bad !== -1) return setStatus({ ok: false, message: `keyMoments[${bad}].at: ${rows[bad]!.date} ${rows[bad]!.time} is not a time in ${zone}` });
    const body = { keyMoments: rows.map((r) => ({ label: r.label, at: instantFrom(r.date, r.time, zone)! })), pauseKeys: [...pauses] };
    const result = await libraryFetch(`/api/library/feeds/${slug}/moments`, jsonBody("PUT", body));
    setStatus(result.ok ? { ok: true, message: "Saved." } : { ok: false, message: result.message });
  }

  const update = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form
      className={styles.panel}
      aria-labelledby="moments-title"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2 className="section-title" id="moments-title">
        Key moments and pause points
      </h2>
      <fieldset className={styles.group}>
        <legend>Key moments</legend>
        <p className={styles.hint}>Labelled on the replay&apos;s timeline. Times in {zone}.</p>
        {rows.map((row, i) => (
          <div key={i} className={styles.momentRow}>
            <label>
              Label <input value={row.label} maxLength={40} onChange={(e) => update(i, { label: e.currentTarget.value })} required />
            </label>
            <label>
              Date <input type="date" value={row.date} onChange={(e) => update(i, { date: e.currentTarget.value })} required />
            </label>
            <label>
              Time <input type="time" value={row.time} onChange={(e) => update(i, { time: e.currentTarget.value })} required />
            </label>
            <button type="button" className={`${button.button} ${button.small}`} onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove the moment ${row.label || i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className={`${button.button} ${button.small}`} onClick={() => setRows([...rows, { label: "", date: firstDay, time: "12:00" }])}>
          Add a moment
        </button>
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Suggested pause points ({pauses.size} chosen)</legend>
        <p className={styles.hint}>A class session can pause just before these updates.</p>
        <div className={styles.scroll} tabIndex={0} role="region" aria-label="Updates to pause before">
          <ul className={styles.plain}>
            {entries.map((e) => (
              <li key={e.key}>
                <label className={styles.check}>
                  <input
                    type="checkbox"
                    checked={pauses.has(e.key)}
                    onChange={(ev) => {
                      const next = new Set(pauses);
                      if (ev.currentTarget.checked) next.add(e.key);
                      else next.delete(e.key);
                      setPauses(next);
                    }}
                  />{" "}
                  {DateTime.fromISO(e.publishedAt).setZone(zone).toFormat("HH:mm")} {e.title}
                </label>
              </li>
            ))}
          </ul>
        </div>
      </fieldset>
      <div className={styles.row}>
        <button type="submit" className={`${button.button} ${button.primary}`}>
          Save moments and pause points
        </button>
      </div>
      {status && (
        <p role={status.ok ? "status" : "alert"} className={status.ok ? styles.saved : styles.error}>
          {status.message}
        </p>
      )}
    </form>
  );
}
