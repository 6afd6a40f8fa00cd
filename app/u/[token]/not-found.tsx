/** An upload token that names no link: say it is the link, not an incident, that does not exist. */
export default function UploadLinkNotFound() {
  return (
    <section className="panel" style={{ maxWidth: "44rem", margin: "1rem auto" }}>
      <h1 style={{ fontSize: "1.3rem", marginTop: 0 }}>This upload link is not valid</h1>
      <p>Check that the whole link was copied, or ask your support engineer for a new one.</p>
    </section>
  );
}
