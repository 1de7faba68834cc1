/** The keyboard's help ("?"): the keys of key-map.ts, in words. */
import { KEY_HELP } from "./key-map";

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-overlay" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help">
      <div className="help-box">
        <h2 id="help-title">Keyboard</h2>
        <dl>
          {KEY_HELP.map(([key, action]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
