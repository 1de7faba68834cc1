import button from "./button.module.css";
import styles from "./join-form.module.css";

/** "Join a class": works without JavaScript (GET /s?code=...). */
export function JoinForm() {
  return (
    <form className={styles.form} action="/s" method="get" aria-labelledby="join-title">
      <h2 className="section-title" id="join-title">
        Join a class
      </h2>
      <label htmlFor="join-code">Session code</label>
      <div className={styles.row}>
        <input id="join-code" name="code" required maxLength={20} autoComplete="off" autoCapitalize="characters" spellCheck={false} placeholder="ABC-234" />
        <button type="submit" className={`${button.button} ${button.primary}`}>
          Join
        </button>
      </div>
    </form>
  );
}
