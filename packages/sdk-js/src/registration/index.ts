/** Registration: proving a device's phone number or email (both entry points export this). */
export {
  fetchNotices,
  type PendingCode,
  type PendingEmail,
  type PushSubscriptionLike,
  type RegisteredDevice,
  Registration,
  type RegistrationOptions,
} from './registration.js';
export type { SmsPort, SmsText } from './sms-port.js';
