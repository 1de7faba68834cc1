/** The keyboard's help ("?"): the keys of key-map.ts, in words. */
import button from "../button.module.css";
import styles from "./help-overlay.module.css";
import { KEY_HELP } from "./key-map";

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className={styles.overlay} role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help">
      <div className={styles.box}>
        <h2 id="help-title">Keyboard</h2>
        <dl>
          {KEY_HELP.map(([key, action]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
        <button type="button" className={button.button} onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
