/**
 * Every shell script that runs on a server, in one place. Each runs as
 * `sh -c SCRIPT NAME ARGS…` (see shell.ts), under `sudo -n` unless the user
 * is root. They are POSIX sh, hold no single quote, and are checked with
 * shellcheck by the tests. The first line each prints is "fsd-ok", so the
 * runner can tell a script that ran from a sudo that refused to run it.
 * Output is `key=value` lines and `== name` … `== end` sections.
 */

/** Marker printed first by every script. */
export const STARTED = 'fsd-ok';

/** Shared helpers: the app's restart, the wait for its port, its log. */
const SERVICE_FUNCTIONS = String.raw`
have() { command -v "$1" >/dev/null 2>&1; }

# Restarts the app the chosen way, bounded by restart_timeout seconds.
restart_app() {
  case "$restart_mode" in
    systemd)
      timeout "$restart_timeout" systemctl restart -- "$service" || return
      systemctl is-active --quiet -- "$service" ;;
    supervisor)
      # Its exit status, and "ERROR (not running)" for a program that was down,
      # say nothing about the start. Its lines do: supervisorctl prints "NAME: started"
      # only once a program has stayed up for its startsecs, and "NAME: ERROR (...)"
      # when it did not (one line per program of a group). Asking supervisorctl
      # status afterwards would start Python again: 0.3 s or more.
      said=$(timeout "$restart_timeout" supervisorctl restart "$service" 2>&1)
      [ $? -eq 124 ] && return 124
      printf "%s\n" "$said" | grep -q ": started$" || return 1
      ! printf "%s\n" "$said" | grep -v "ERROR (not running)" | grep -q "ERROR" ;;
    command)
      timeout "$restart_timeout" sh -c "$restart_command" </dev/null >/dev/null 2>&1 ;;
    *) return 0 ;;
  esac
}

# Waits until something listens on the HTTPS port, up to restart_timeout seconds.
wait_listening() {
  have ss || return 0
  deadline=$(( $(date +%s) + restart_timeout ))
  until ss -Hltn "sport = :$port" | grep -q LISTEN; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# The end of the log of the app, for the error message of a failed restart.
log_tail() {
  echo "== log"
  case "$restart_mode" in
    systemd) journalctl -u "$service" -n 25 --no-pager 2>&1 | tail -n 25 ;;
    supervisor) supervisorctl tail "$service" stderr 2>&1 | tail -n 25 ;;
  esac
  echo "== end"
}

# restart=ok, or restart=failed|timeout|not-listening and the log; returns 1 on failure.
restart_and_wait() {
  [ "$restart_mode" = none ] && { echo "restart=skipped"; return 0; }
  restart_app
  code=$?
  if [ "$code" -eq 124 ]; then echo "restart=timeout"; log_tail; return 1; fi
  if [ "$code" -ne 0 ]; then echo "restart=failed"; log_tail; return 1; fi
  if ! wait_listening; then echo "restart=not-listening"; log_tail; return 1; fi
  echo "restart=ok"
}
`;

/**
 * Preflight, one round trip: what is installed, which firewall is active,
 * whether the service is known. Changes nothing.
 * Args: dir cert-name key-name service.
 */
export const PREFLIGHT = String.raw`
echo fsd-ok
dir=$1; cert=$2; key=$3; service=$4
have() { command -v "$1" >/dev/null 2>&1; }
digest() { if [ -f "$1" ]; then sha256sum <"$1" | cut -d " " -f 1; else echo none; fi; }
if [ -d "$dir" ]; then echo "dir=yes"; else echo "dir=no"; fi
echo "cert-sha256=$(digest "$dir/$cert")"
echo "key-sha256=$(digest "$dir/$key")"
if have firewall-cmd && firewall-cmd --state >/dev/null 2>&1; then echo "firewalld=running"; fi
if have ufw && ufw status 2>/dev/null | grep -q "^Status: active"; then echo "ufw=active"; fi
if have nft; then echo "== nft"; nft list ruleset 2>/dev/null; echo "== end"; fi
if have iptables; then echo "== iptables"; iptables -S INPUT 2>/dev/null; echo "== end"; fi
if have netfilter-persistent; then echo "persist=netfilter-persistent";
elif [ -f /etc/sysconfig/iptables ]; then echo "persist=iptables-services"; fi
if [ -n "$service" ]; then
  if [ -d /run/systemd/system ] && have systemctl; then
    echo "systemd-load=$(systemctl show -p LoadState --value -- "$service" 2>/dev/null)"
  fi
  if have supervisorctl; then echo "== supervisor"; supervisorctl status "$service" 2>&1; echo "== end"; fi
fi
have flock && echo "flock=yes"
have openssl && echo "openssl=yes"
exit 0
`;

/**
 * Install: under a lock, open the port; back up the current pair, write the
 * new one from stdin (never from a command line) into files created under
 * umask 077, check their digests, set modes, rename them into place; restart
 * the app and wait for it to listen.
 * Args: dir cert-name key-name write cert-bytes key-bytes cert-sha256
 *       key-sha256 owner keep firewall port nft-chains restart-mode service
 *       restart-command restart-timeout lock-timeout stamp.
 */
export const INSTALL =
  String.raw`
echo fsd-ok
dir=$1; cert=$2; key=$3; write=$4; cert_bytes=$5; key_bytes=$6; cert_sum=$7; key_sum=$8
owner=$9; shift 9
keep=$1; firewall=$2; port=$3; nft_chains=$4; restart_mode=$5; service=$6
restart_command=$7; restart_timeout=$8; lock_timeout=$9; shift 9
stamp=$1
` +
  SERVICE_FUNCTIONS +
  String.raw`
now_ms() { date +%s%3N; }
# error=STEP, and error-detail= the first line of what the failing command said.
fail() {
  echo "error=$1"
  [ $# -lt 2 ] || echo "error-detail=$2" | head -n 1
  exit 1
}

umask 022
if [ ! -d "$dir" ]; then
  msg=$(mkdir -p "$dir" 2>&1) || fail mkdir "$msg"
  chmod 0755 "$dir" || fail mkdir
fi
umask 077
if have flock; then
  # Tried in a subshell first: a failed redirection on exec would end this shell unannounced.
  msg=$( (: >>"$dir/.fsd.lock") 2>&1) || fail lock "$msg"
  exec 9>>"$dir/.fsd.lock"
  flock -w "$lock_timeout" 9 || fail lock-timeout
fi

# The port first: if the firewall refuses, nothing has been replaced yet.
t0=$(now_ms)
case "$firewall" in
  firewalld)
    firewall-cmd --query-port="$port/tcp" >/dev/null 2>&1 ||
      { firewall-cmd --add-port="$port/tcp" >/dev/null && echo "firewall-added=runtime"; } || fail firewall
    firewall-cmd --permanent --query-port="$port/tcp" >/dev/null 2>&1 ||
      { firewall-cmd --permanent --add-port="$port/tcp" >/dev/null && echo "firewall-added=permanent"; } || fail firewall ;;
  ufw)
    ufw status | grep -Eq "^$port/tcp +ALLOW" ||
      { ufw allow "$port/tcp" >/dev/null && echo "firewall-added=ufw"; } || fail firewall ;;
  nftables)
    for spec in $(echo "$nft_chains" | tr "," " "); do
      family=$(echo "$spec" | cut -d / -f 1); table=$(echo "$spec" | cut -d / -f 2); chain=$(echo "$spec" | cut -d / -f 3)
      nft insert rule "$family" "$table" "$chain" tcp dport "$port" accept || fail firewall
      echo "firewall-added=$spec"
    done
    [ -n "$nft_chains" ] && echo "firewall-warning=not-persistent" ;;
  iptables)
    if ! iptables -C INPUT -p tcp --dport "$port" -j ACCEPT 2>/dev/null; then
      iptables -I INPUT -p tcp --dport "$port" -j ACCEPT || fail firewall
      echo "firewall-added=INPUT"
      if have netfilter-persistent; then netfilter-persistent save >/dev/null 2>&1 && echo "firewall-persisted=netfilter-persistent";
      elif [ -f /etc/sysconfig/iptables ]; then iptables-save >/etc/sysconfig/iptables && echo "firewall-persisted=iptables-services";
      else echo "firewall-warning=not-persistent"; fi
    fi ;;
esac
t1=$(now_ms)
echo "time-firewall=$((t1 - t0))"

if [ "$write" = 1 ]; then
  new_cert="$dir/.$cert.fsd-new"; new_key="$dir/.$key.fsd-new"
  trap "rm -f \"\$new_cert\" \"\$new_key\"" EXIT
  # A dropped connection (HUP, or PIPE on the next output) or a stop before the
  # renames ends the script through its EXIT trap: no half-written file is left.
  trap "exit 1" HUP INT TERM PIPE
  msg=$( { head -c "$cert_bytes" >"$new_cert"; } 2>&1) || fail write "$msg"
  msg=$( { head -c "$key_bytes" >"$new_key"; } 2>&1) || fail write "$msg"
  [ "$(sha256sum <"$new_cert" | cut -d " " -f 1)" = "$cert_sum" ] || fail incomplete-upload
  [ "$(sha256sum <"$new_key" | cut -d " " -f 1)" = "$key_sum" ] || fail incomplete-upload
  key_mode=0600
  if [ -n "$owner" ]; then
    chown "$owner" "$new_cert" "$new_key" || fail chown
    key_mode=0640
  fi
  chmod 0644 "$new_cert" || fail chmod
  chmod "$key_mode" "$new_key" || fail chmod
  if [ -f "$dir/$cert" ] || [ -f "$dir/$key" ]; then
    backup="$dir/.backup/$stamp"
    msg=$(mkdir -p "$backup" 2>&1) || fail backup "$msg"
    for file in "$cert" "$key"; do
      if [ -f "$dir/$file" ]; then
        msg=$(cp -p "$dir/$file" "$backup/$file" 2>&1) || fail backup "$msg"
      fi
    done
    echo "backup=$backup"
    # Keep the newest few backups; stamps sort by time.
    find "$dir/.backup" -mindepth 1 -maxdepth 1 -type d | sort -r | tail -n +"$((keep + 1))" |
      while read -r old; do rm -rf -- "$old"; done
  fi
  # From here the pair is replaced as one step: a dropped connection must not stop it halfway.
  trap "" HUP PIPE
  sync "$new_cert" "$new_key" 2>/dev/null
  mv -f "$new_cert" "$dir/$cert" || fail rename
  mv -f "$new_key" "$dir/$key" || fail rename
  echo "installed=yes"
fi
t2=$(now_ms)
echo "time-write=$((t2 - t1))"

restart_and_wait
code=$?
echo "time-restart=$(( $(now_ms) - t2 ))"
exit "$code"
`;

/**
 * Roll back: put the backed-up pair back (or, after a first deploy, remove
 * the new one), each by a rename, then restart the app.
 * Args: dir cert-name key-name backup-dir restart-mode service
 *       restart-command restart-timeout port.
 */
export const ROLLBACK =
  String.raw`
echo fsd-ok
dir=$1; cert=$2; key=$3; backup=$4; restart_mode=$5; service=$6
restart_command=$7; restart_timeout=$8; port=$9
` +
  SERVICE_FUNCTIONS +
  String.raw`
umask 077
trap "" HUP PIPE
if [ -n "$backup" ] && [ -d "$backup" ]; then
  for file in "$cert" "$key"; do
    if [ -f "$backup/$file" ]; then
      cp -p "$backup/$file" "$dir/.$file.fsd-restore" || { echo "error=restore"; exit 1; }
      mv -f "$dir/.$file.fsd-restore" "$dir/$file" || { echo "error=restore"; exit 1; }
    else
      rm -f -- "$dir/$file"
    fi
  done
else
  rm -f -- "$dir/$cert" "$dir/$key"
fi
echo "restored=yes"
restart_and_wait
`;

/**
 * Which certificate the server serves to itself on its own address: tells a
 * path blocked outside the server from an app that is not serving.
 * Args: port server-name.
 */
export const SERVED_LOCALLY = String.raw`
echo fsd-ok
port=$1; name=$2
command -v openssl >/dev/null 2>&1 || { echo "served=unknown"; exit 0; }
sni="-servername $name"
case "$name" in *[!0-9.:]*) ;; *) sni="" ;; esac
# shellcheck disable=SC2086
fingerprint=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" $sni </dev/null 2>/dev/null |
  openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d = -f 2)
echo "served=$fingerprint"
`;

/** Every script by name, for the shellcheck test. */
export const ALL_SCRIPTS: Readonly<Record<string, string>> = {
  PREFLIGHT,
  INSTALL,
  ROLLBACK,
  SERVED_LOCALLY,
};
