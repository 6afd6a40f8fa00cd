export default function Loading() {
  return <div className="panel skeleton" aria-busy="true" aria-label="Loading incident" />;
}
