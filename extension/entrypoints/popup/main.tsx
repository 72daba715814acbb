import { render } from 'preact';
import '../../ui/styles.css';
import { PopupApp } from '../../ui/popup';

document.body.classList.add('popup');
render(<PopupApp />, document.getElementById('app')!);
