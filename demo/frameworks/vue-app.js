// A Vue 3 app that embeds <friends-chat>: attributes bound reactively, events with @.
import { createApp } from '/node_modules/vue/dist/vue.esm-browser.prod.js';

const fromPage = document.body.dataset.signaling;
const signaling = new URLSearchParams(location.search).get('signaling') || fromPage;

const app = createApp({
  data: () => ({ theme: 'light', lastMessage: '', ready: false, profile: new URLSearchParams(location.search).get('profile') || 'vue-demo' }),
  template: `
    <p>
      <button @click="theme = theme === 'light' ? 'dark' : 'light'">Theme: {{ theme }}</button>
      <span v-if="ready" class="state">ready</span>
      <span class="last">{{ lastMessage }}</span>
    </p>
    <friends-chat
      :profile="profile"
      :theme="theme"
      signaling="${signaling}"
      ice-servers="[]"
      display-name="Vue user"
      @friends-chat-ready="ready = true"
      @friends-chat-message="lastMessage = $event.message.text"
    ></friends-chat>`,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('friends-chat');
app.mount('#app');
