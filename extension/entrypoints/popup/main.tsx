import { render } from 'preact';

function Popup() {
  return (
    <main>
      <h1>mfa-bridge</h1>
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
