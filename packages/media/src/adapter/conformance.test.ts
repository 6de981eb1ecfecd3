import { runMediaAdapterConformance } from '@patchbay/runtime/testing';
import { sipHarness } from './sip-harness.test-support.js';

// The shared suite with real peers: baresip phones and sipp far ends on loopback.
runMediaAdapterConformance('sip', sipHarness);
