import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('demo/index.html has no #app element');
render(<App />, root);
