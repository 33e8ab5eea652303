// Entry of the page: global styles and the App mount. Nothing else; the worker starts inside LabState.
import { mount } from 'svelte';
import App from './App.svelte';
import './ui/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
