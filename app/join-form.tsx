/** "Join a class": works without JavaScript (GET /s?code=...). */
export function JoinForm() {
  return (
    <form className="join-form" action="/s" method="get" aria-labelledby="join-title">
      <h2 className="section-title" id="join-title">
        Join a class
      </h2>
      <label htmlFor="join-code">Session code</label>
      <div className="join-row">
        <input id="join-code" name="code" required maxLength={20} autoComplete="off" autoCapitalize="characters" spellCheck={false} placeholder="ABC-234" />
        <button type="submit">Join</button>
      </div>
    </form>
  );
}
