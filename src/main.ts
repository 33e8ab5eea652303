// Entry of the page: global styles, the App mount and the offline service worker. Nothing else; the
// trainer worker starts inside LabState.
import { mount } from 'svelte';
import App from './App.svelte';
import './ui/shared/app.css';
import { registerOffline } from './ui/shell/offline';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
void registerOffline();
