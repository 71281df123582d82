export declare const SOURCE_CONDITION: '@zendesk-lifecycle/source';
export declare const sourceResolution: {
  resolve: { conditions: string[] };
  ssr: { resolve: { conditions: string[] } };
};
