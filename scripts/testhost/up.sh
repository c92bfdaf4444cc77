#!/usr/bin/env bash
# Brings up one throwaway test host: its own network namespace (own loopback
# and firewall) and mount namespace (a private /ssl, /etc/passwd, sudoers.d
# and /etc/supervisor), running a key-only sshd, a deploy user with sudo, and
# a Flask app serving HTTPS on 443 from /ssl under supervisor. Nothing of the
# machine's own /ssl, firewall, accounts or sshd changes.
#
# usage: up.sh DIR FIREWALL [SUDO] [LOGLEVEL]
#   DIR       a new folder for the host's files; its ns.pid names the host
#   FIREWALL  nftables | iptables | none (policy drop on input except 22)
#   SUDO      nopasswd (default) | password (sudo -n then fails) | none
#   LOGLEVEL  sshd LogLevel, INFO by default; DEBUG3 logs every command
# /ssl starts with DIR/initial.pem and DIR/initial.key when they exist.
# Environment: ADDRESS (default 127.0.0.1) is the loopback address the host's
# sshd and app bind; JOIN_PID, the PID of another host whose network this one
# shares (so several hosts sit on one network, each on its own address; the
# firewall is then the first host's).
# Prints the PID of the namespaces. Tear down with down.sh DIR.
set -euo pipefail
dir=$(realpath "$1")
firewall=$2
sudo_mode=${3:-nopasswd}
loglevel=${4:-INFO}
user=deploy
address=${ADDRESS:-127.0.0.1}
join_pid=${JOIN_PID:-}
here=$(dirname "$(realpath "$0")")

"$here/install-deps.sh"
mkdir -p "$dir"/{ssh,authorized,sudoers.d,supervisor,log,app,home}
chown 4242:4242 "$dir/home"
chmod 0755 "$dir"

# Accounts: private copies with a deploy user whose password field is '*'
# (no password, yet not locked: sshd refuses keys of a locked '!' account).
cp /etc/passwd /etc/group /etc/shadow "$dir/"
echo "$user:x:4242:4242:flask-ssl-deploy test user:$dir/home:$dir/logshell" >>"$dir/passwd"
echo "$user:x:4242:" >>"$dir/group"
echo "$user:*:19000:0:99999:7:::" >>"$dir/shadow"
case "$sudo_mode" in
  nopasswd) echo "$user ALL=(ALL) NOPASSWD: ALL" >"$dir/sudoers.d/$user" ;;
  password) echo "$user ALL=(ALL) ALL" >"$dir/sudoers.d/$user" ;;
  none) ;;
esac
chmod 0440 "$dir"/sudoers.d/* 2>/dev/null || true
chmod 0750 "$dir/sudoers.d"

# The deploy user's login shell records every command line it is given in full
# (sshd's own DEBUG3 log cuts long ones short), then runs it with /bin/sh.
cat >"$dir/logshell" <<SH
#!/bin/sh
printf '%s\\n' "\$*" >>'$dir/log/commands.log'
exec /bin/sh "\$@"
SH
chmod 0755 "$dir/logshell"
touch "$dir/log/commands.log"
chown 4242:4242 "$dir/log/commands.log"
chmod 0755 "$dir/log"

ssh-keygen -q -t ed25519 -N '' -C test-host -f "$dir/ssh/host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C deploy-key -f "$dir/ssh/user_key"
cp "$dir/ssh/user_key.pub" "$dir/authorized/$user"
cat >"$dir/sshd_config" <<CONF
ListenAddress $address:22
HostKey $dir/ssh/host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized/%u
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
Subsystem sftp internal-sftp
LogLevel $loglevel
CONF

cat >"$dir/app/app.py" <<'PY'
# The manual's test.py: a Flask app serving HTTPS from /ssl, on the host's own address.
import sys

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Hello from Flask over HTTPS\n"


if __name__ == "__main__":
    app.run(host=sys.argv[1], port=443, ssl_context=("/ssl/cert.pem", "/ssl/cert.key"))
PY
cat >"$dir/supervisor/supervisord.conf" <<CONF
[unix_http_server]
file=$dir/supervisor.sock
chmod=0700

[supervisord]
pidfile=$dir/supervisord.pid
logfile=$dir/log/supervisord.log
childlogdir=$dir/log

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$dir/supervisor.sock

[program:flaskapp]
command=/usr/bin/python3 $dir/app/app.py $address
directory=$dir/app
startsecs=1
startretries=2
autorestart=unexpected
stopasgroup=true
killasgroup=true
stdout_logfile=$dir/log/flaskapp.out.log
stderr_logfile=$dir/log/flaskapp.err.log
CONF

# Mount points on the shared root: empty folders; only what is mounted on them is private.
mkdir -p /ssl /run/sshd /etc/supervisor /etc/sudoers.d

# The host itself: a sleeper holding the namespaces. The inner shell writes
# its PID before it becomes the sleeper; nothing of ours stays attached.
rm -f "$dir/ns.pid"
holder="echo \$\$ >'$dir/ns.pid.tmp' && mv '$dir/ns.pid.tmp' '$dir/ns.pid' && exec sleep infinity"
if [ -n "$join_pid" ]; then
  nsenter -t "$join_pid" -n -- setsid unshare --mount --propagation private --fork bash -c "$holder" \
    </dev/null >/dev/null 2>&1 &
else
  setsid unshare --net --mount --propagation private --fork bash -c "$holder" </dev/null >/dev/null 2>&1 &
fi
for _ in $(seq 100); do [ -s "$dir/ns.pid" ] && break; sleep 0.05; done
pid=$(cat "$dir/ns.pid")
inside() { nsenter -t "$pid" -n -m -- "$@"; }

[ -n "$join_pid" ] || inside ip link set lo up
inside mount -t tmpfs -o mode=0755,size=16m fsd-ssl /ssl
for file in passwd group shadow; do inside mount --bind "$dir/$file" "/etc/$file"; done
inside mount --bind "$dir/sudoers.d" /etc/sudoers.d
inside mount --bind "$dir/supervisor" /etc/supervisor
# Test names resolve to this host inside it, and nowhere else.
{ cat /etc/hosts; echo "$address app.test flask.demo.test"; } >"$dir/hosts"
inside mount --bind "$dir/hosts" /etc/hosts
if [ -f "$dir/initial.pem" ]; then
  inside install -m 0644 "$dir/initial.pem" /ssl/cert.pem
  inside install -m 0600 "$dir/initial.key" /ssl/cert.key
fi

[ -n "$join_pid" ] && firewall=none
case "$firewall" in
  nftables)
    inside nft -f - <<'NFT'
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    tcp dport 22 accept
  }
}
NFT
    ;;
  iptables)
    inside iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    inside iptables -A INPUT -p tcp --dport 22 -j ACCEPT
    inside iptables -P INPUT DROP
    ;;
  none) ;;
  *) echo "unknown firewall: $firewall" >&2; exit 2 ;;
esac

inside /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/log/sshd.log" </dev/null >/dev/null 2>&1
inside supervisord -c /etc/supervisor/supervisord.conf </dev/null >/dev/null 2>&1

# Wait for sshd, and for the app when it has a certificate to serve.
for _ in $(seq 100); do
  inside ss -Hltn "src $address:22" | grep -q LISTEN && break
  sleep 0.05
done
if [ -f "$dir/initial.pem" ]; then
  for _ in $(seq 200); do
    inside ss -Hltn "src $address:443" | grep -q LISTEN && break
    sleep 0.05
  done
fi
echo "$pid"
