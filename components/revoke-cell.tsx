/** The last cell of a link's row: a button that revokes the link (`onRevoke` asks for confirmation first). */
export function RevokeCell({ onRevoke }: { onRevoke: () => Promise<void> }) {
  return (
    <td>
      <button className="btn secondary" type="button" onClick={() => void onRevoke()}>
        Revoke
      </button>
    </td>
  );
}
