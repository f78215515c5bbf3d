import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// No StrictMode: its double effects in development would redeem the one-time sign-in code twice.
createRoot(document.getElementById('root')!).render(<App />);
