/**
 * The app: what a developer writes for the hosted API, unchanged. TwiML from the helper
 * library's VoiceResponse; every webhook checked by its Express middleware against the account's
 * auth token. Nothing here knows it runs against Patchbay.
 */
import express from 'express';
import twilio from 'twilio';

export const SALES = '+15550100200';

export function createApp(authToken: string): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const validate = twilio.webhook(authToken, { protocol: 'http' });
  const { VoiceResponse, MessagingResponse } = twilio.twiml;

  app.post('/voice', validate, (_req, res) => {
    const response = new VoiceResponse();
    const menu = response.gather({ numDigits: 1, action: '/menu', timeout: 6 });
    menu.say(
      { voice: 'Polly.Joanna' },
      'Thanks for calling Patchbay. For sales, press 1. To leave a message, press 2.',
    );
    response.say('Sorry, I did not get that.');
    response.redirect('/voice');
    res.type('text/xml').send(response.toString());
  });

  app.post('/menu', validate, (req, res) => {
    const response = new VoiceResponse();
    if (req.body.Digits === '1') {
      response.say('Connecting you to sales.');
      response.dial({ action: '/after-dial', timeout: 20 }).number(SALES);
    } else if (req.body.Digits === '2') {
      response.say('Please leave a message after the tone.');
      response.record({ maxLength: 30, action: '/voicemail', playBeep: true });
    } else {
      response.redirect('/voice');
    }
    res.type('text/xml').send(response.toString());
  });

  app.post('/after-dial', validate, (req, res) => {
    const response = new VoiceResponse();
    response.say(
      req.body.DialCallStatus === 'completed' ? 'Thanks for calling. Goodbye.' : 'Sales is busy right now. Goodbye.',
    );
    res.type('text/xml').send(response.toString());
  });

  app.post('/voicemail', validate, (req, res) => {
    const response = new VoiceResponse();
    response.say(`Thanks. We got your ${req.body.RecordingDuration} second message. Goodbye.`);
    res.type('text/xml').send(response.toString());
  });

  // Texts to the support line: an automatic answer, with the hours when asked.
  app.post('/sms', validate, (req, res) => {
    const response = new MessagingResponse();
    const text = String(req.body.Body ?? '').toLowerCase();
    response.message(
      text.includes('hours')
        ? 'We are open 9am-5pm, Monday to Friday.'
        : 'Thanks for your message. Reply HOURS for our opening hours, or call us on this number.',
    );
    res.type('text/xml').send(response.toString());
  });

  return app;
}
