// Starts GraphiQL from the assets served beside this file (no CDN) and signs in from the page:
// the access token from login goes into the Authorization header of every HTTP request and into
// the connection_init payload of subscriptions. Tokens live in sessionStorage, for this tab only.
(function () {
  'use strict';
  var url = location.origin + '/query';
  var wsUrl = url.replace(/^http/, 'ws');
  var store = window.sessionStorage;

  function token() { return store.getItem('staffcrm.accessToken'); }

  function post(body) {
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json;q=0.9' },
      body: JSON.stringify(body),
    }).then(function (r) { return r.json(); });
  }

  var status = document.getElementById('signin-status');
  function showViewer() {
    var who = store.getItem('staffcrm.viewer');
    document.getElementById('signed-out').hidden = !!who;
    document.getElementById('signed-in').hidden = !who;
    document.getElementById('viewer').textContent = who || '';
  }

  document.getElementById('signin').addEventListener('submit', function (e) {
    e.preventDefault();
    status.textContent = '';
    status.className = '';
    post({
      query: 'mutation($email:String!,$password:String!){login(input:{email:$email,password:$password}){accessToken refreshToken viewer{email role}}}',
      variables: { email: document.getElementById('email').value, password: document.getElementById('password').value },
    }).then(function (res) {
      var login = res.data && res.data.login;
      if (!login) {
        status.textContent = (res.errors && res.errors[0] && res.errors[0].message) || 'sign-in failed';
        status.className = 'error';
        return;
      }
      store.setItem('staffcrm.accessToken', login.accessToken);
      store.setItem('staffcrm.refreshToken', login.refreshToken);
      store.setItem('staffcrm.viewer', login.viewer.email + ' (' + login.viewer.role + ')');
      showViewer();
      render(); // new websocket connection with the new token
    }, function (err) {
      status.textContent = String(err);
      status.className = 'error';
    });
  });

  document.getElementById('signout-button').addEventListener('click', function () {
    var refresh = store.getItem('staffcrm.refreshToken');
    var access = token();
    store.removeItem('staffcrm.accessToken');
    store.removeItem('staffcrm.refreshToken');
    store.removeItem('staffcrm.viewer');
    showViewer();
    render();
    if (access) {
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + access },
        body: JSON.stringify({ query: 'mutation($rt:String){logout(input:{refreshToken:$rt}){ok}}', variables: { rt: refresh } }),
      });
    }
  });

  var root;
  function render() {
    var tok = token();
    var headers = tok ? { Authorization: 'Bearer ' + tok } : {};
    var fetcher = GraphiQL.createFetcher({
      url: url,
      subscriptionUrl: wsUrl,
      headers: headers,
      wsConnectionParams: headers,
    });
    root = root || ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(React.createElement(GraphiQL, {
      key: tok || 'anonymous',
      fetcher: fetcher,
      defaultQuery: '# Sign in above, then run:\n{\n  viewer { email role agency { name } }\n}\n',
      shouldPersistHeaders: false,
    }));
  }

  showViewer();
  render();
})();
