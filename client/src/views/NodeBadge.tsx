// Which node of several this browser is on, small in a corner: asked every few seconds, so a
// node going away (the load balancer moves the browser) shows. Nothing when there is one node.
import { useEffect, useState } from 'react';
import { fetchPublicConfig } from '../session/api';

const ASK_EVERY_MS = 5000;

export function NodeBadge() {
  const [node, setNode] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    const ask = () =>
      fetchPublicConfig().then(
        (config) => live && setNode(config.node),
        () => undefined,
      );
    void ask();
    const timer = setInterval(ask, ASK_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  if (!node) return null;
  return (
    <div className="node-badge" title="The server node this browser is connected through">
      node {node}
    </div>
  );
}
