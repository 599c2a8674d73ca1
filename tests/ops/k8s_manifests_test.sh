#!/usr/bin/env bash
# deploy/k8s: every manifest valid against the Kubernetes OpenAPI schemas,
# strictly (unknown fields are errors), offline with kubernetes-validate, for
# the oldest and newest Kubernetes versions checked; the StatefulSet's
# contract with ccpulse; and the ConfigMap's embedded ccpulse.yaml accepted
# by `ccpulse check-config` with the env variables the pod gets.
#
# Usage: k8s_manifests_test.sh CCPULSE_BINARY [K8S_DIR]
# Needs kubernetes-validate in $CCPULSE_OPS_VENV (default
# /opt/ccpulse/ops-venv; scripts/install-deps). Exit 77 only without it.
set -euo pipefail
ccpulse=${1:?usage: $0 CCPULSE_BINARY [K8S_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${2:-$repo/deploy/k8s}
venv=${CCPULSE_OPS_VENV:-/opt/ccpulse/ops-venv}
validate=$venv/bin/kubernetes-validate
[ -x "$validate" ] || { echo "SKIP: $validate missing (scripts/install-deps)"; exit 77; }
[ -x "$ccpulse" ] || { echo "FAIL: $ccpulse is not executable"; exit 1; }

fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The resources kustomization.yaml applies, plus the example Secret.
mapfile -t files < <(sed -n 's/^  - \(.*\.yaml\)$/\1/p' "$dir/kustomization.yaml")
[ "${#files[@]}" -ge 4 ] || bad "kustomization.yaml lists ${#files[@]} resources, expected at least 4"
for k in 1.29.0 1.37.0; do
  for f in "${files[@]}" secret.example.yaml; do
    "$validate" --strict --quiet -k "$k" "$dir/$f" || bad "$f does not validate against Kubernetes $k"
  done
done
for f in "${files[@]}"; do [ "$f" != secret.example.yaml ] || bad "kustomization.yaml applies the example Secret"; done

# Structure: what the schemas cannot say. Writes the embedded config and
# the env variables the pod gets (placeholder values) for check-config.
"$venv/bin/python" - "$dir" "$tmp" "${files[@]}" <<'PY' || fail=1
import os, sys, yaml
d, tmp, files = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = [x for f in files for x in yaml.safe_load_all(open(os.path.join(d, f))) if x]
errors = []
def need(cond, msg):
    if not cond: errors.append(msg)
kinds = {}
for x in docs: kinds.setdefault(x["kind"], []).append(x)
for k in ("ConfigMap", "StatefulSet", "Service", "PodDisruptionBudget"):
    need(k in kinds, f"no {k}")
need("Secret" not in kinds, "a Secret among the applied manifests: secrets are never committed")
sts = kinds["StatefulSet"][0]
pod = sts["spec"]["template"]["spec"]
c = next(c for c in pod["containers"] if c["name"] == "ccpulse")
labels = sts["spec"]["template"]["metadata"]["labels"]
need(sts["spec"]["selector"]["matchLabels"].items() <= labels.items(), "selector does not match the pod labels")
need(sts["spec"]["serviceName"] in [s["metadata"]["name"] for s in kinds["Service"]], "serviceName is not a Service here")
need(any(s["spec"].get("clusterIP") == "None" and s["metadata"]["name"] == sts["spec"]["serviceName"]
         for s in kinds["Service"]), "the governing Service is not headless")
for s in kinds["Service"]:
    need(s["spec"]["selector"].items() <= labels.items(), f"Service {s['metadata']['name']} selects no ccpulse pod")
pdb = kinds["PodDisruptionBudget"][0]
need(pdb["spec"]["selector"]["matchLabels"].items() <= labels.items(), "the PodDisruptionBudget selects no ccpulse pod")

# Probes: startup and readiness on /readyz, liveness on /healthz, on the http port.
def probe(name, path):
    p = c.get(name)
    need(p is not None, f"no {name}")
    if p: need(p["httpGet"]["path"] == path and p["httpGet"]["port"] == "http", f"{name} is not GET {path} on port http")
    return p or {}
sp = probe("startupProbe", "/readyz"); probe("readinessProbe", "/readyz"); probe("livenessProbe", "/healthz")
budget = sp.get("periodSeconds", 10) * sp.get("failureThreshold", 3)
need(budget >= 600, f"startupProbe allows {budget} s; a state restore may take processing.restore_timeout (10m)")
need(pod.get("terminationGracePeriodSeconds", 30) >= 30, "terminationGracePeriodSeconds under 30 s: the final commit needs it")
need("resources" in c and "requests" in c["resources"] and "memory" in c["resources"].get("limits", {}),
     "resources: requests and a memory limit")

# Security: non-root, read-only root, no capabilities, no escalation.
psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
need(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, "pod not runAsNonRoot with a non-zero uid")
need(csc.get("readOnlyRootFilesystem") is True, "container root filesystem not read-only")
need(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation not false")
need(csc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities not drop: [ALL]")
need(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", "no RuntimeDefault seccomp profile")

# The config: mounted where args say, instance_id from the pod name.
cm = next(m for m in kinds["ConfigMap"] if "ccpulse.yaml" in m.get("data", {}))
vol = next(v for v in pod["volumes"] if v.get("configMap", {}).get("name") == cm["metadata"]["name"])
mount = next(m for m in c["volumeMounts"] if m["name"] == vol["name"])
config_path = os.path.join(mount["mountPath"], "ccpulse.yaml")
need(c.get("args", [])[-2:] == ["--config", config_path] and c["args"][0] == "run",
     f"args are not run --config {config_path}")
text = cm["data"]["ccpulse.yaml"]
cfg = yaml.safe_load(text)
need("instance_id" not in cfg, "instance_id set in the ConfigMap: every pod would share it (it defaults to the pod's host name)")
need(cfg.get("http", {}).get("bind") == "0.0.0.0", "http.bind is not 0.0.0.0: probes and the Service cannot reach it")
port = cfg.get("http", {}).get("port", 8080)
need(any(p["name"] == "http" and p["containerPort"] == port for p in c["ports"]), f"no container port http = http.port {port}")
# Every { env: NAME } in the config is set from a Secret; no { file: } the pod lacks.
envs = {e["name"]: e for e in c.get("env", [])}
def walk(v):
    if isinstance(v, dict):
        if set(v) == {"env"}: yield "env", v["env"]
        elif set(v) == {"file"}: yield "file", v["file"]
        else:
            for x in v.values(): yield from walk(x)
    elif isinstance(v, list):
        for x in v: yield from walk(x)
refs = list(walk(cfg))
need(any(k == "env" for k, _ in refs), "the config reads no secret from the environment")
with open(os.path.join(tmp, "env"), "w") as out:
    for kind, name in refs:
        need(kind == "env", f"{{ file: {name} }}: the pod mounts secrets as env variables here")
        if kind != "env": continue
        e = envs.get(name)
        need(e is not None and "secretKeyRef" in e.get("valueFrom", {}), f"{name} is not set from a secretKeyRef")
        out.write(f"{name}=placeholder-0123456789abcdef\n")
need(not any("value" in e for e in envs.values() if "PASSWORD" in e["name"] or "TOKEN" in e["name"]),
     "a secret written as a plain env value")
open(os.path.join(tmp, "ccpulse.yaml"), "w").write(text)
for e in errors: print("FAIL:", e)
sys.exit(1 if errors else 0)
PY

if [ -f "$tmp/ccpulse.yaml" ]; then
  # The pod's environment: exactly the variables the Secrets provide.
  mapfile -t pod_env < "$tmp/env"
  env -i PATH=/usr/bin:/bin "${pod_env[@]}" "$ccpulse" check-config "$tmp/ccpulse.yaml" \
    || bad "the ConfigMap's ccpulse.yaml fails check-config (lines are of the embedded file)"
fi

[ "$fail" -eq 0 ] && echo "ok: $dir"
exit "$fail"
