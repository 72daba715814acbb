import { render } from 'preact';
import '../../ui/styles.css';
import { OptionsApp } from '../../ui/options';

document.body.classList.add('options');
render(<OptionsApp />, document.getElementById('app')!);
