// Every string the widget shows, per language: one '|'-separated string each, in the order of
// KEYS, which keeps the bundle small (the build folds each language into one string; the unit
// tests check every language has every key with the same placeholders). {name} placeholders
// are filled by t(). Text from the API (names, messages, reasons) never goes in here: it goes in
// as textContent.
export const KEYS = ('in_stock backorder sold_out ships unknown around weeks later ' +
  'partial only pay_later_note alternatives notify contact send invalid ' +
  'thanks failed order summary waiting allocated awaiting_payment shipped ' +
  'cancelled switched queue_first queue paying_later history ev_placed ev_eta_changed ' +
  'ev_payment_mode_changed ev_payment_requested ev_payment_received ev_other cancel switch pay_later pay_now ' +
  'not_now d_cancel how_many d_switch d_pay_later d_pay_now confirm ' +
  'back done error r_not_waiting r_outside_cancel_window r_allocated_not_cancellable r_pay_later_line r_no_alternative ' +
  'r_dearer_switch_refused r_pay_later_disabled r_partly_allocated r_other').split(' ');

export const TEXTS = {
  en:
    "In stock|" /* in_stock */ +
    "Backorder|" /* backorder */ +
    "Sold out|" /* sold_out */ +
    "Ships {when}|" /* ships */ +
    "Ship date not yet known|" /* unknown */ +
    "around {date}|" /* around */ +
    "in {a}–{b} weeks|" /* weeks */ +
    "later (date unknown)|" /* later */ +
    "{now} ship now, {later} {when}|" /* partial */ +
    "Only {n} available|" /* only */ +
    "Pay later available: pay when it ships.|" /* pay_later_note */ +
    "Available now|" /* alternatives */ +
    "Notify me when it’s back|" /* notify */ +
    "Email or phone|" /* contact */ +
    "Notify me|" /* send */ +
    "Enter an email or phone number.|" /* invalid */ +
    "Thanks! We’ll tell you.|" /* thanks */ +
    "That did not work. Try again.|" /* failed */ +
    "Backorders in order #{id}|" /* order */ +
    "{n} backordered · {eta}|" /* summary */ +
    "Waiting|" /* waiting */ +
    "Reserved for you|" /* allocated */ +
    "Awaiting payment|" /* awaiting_payment */ +
    "Shipped|" /* shipped */ +
    "Cancelled|" /* cancelled */ +
    "Switched|" /* switched */ +
    "You are first in line.|" /* queue_first */ +
    "{n} ahead of you in the queue.|" /* queue */ +
    "You pay when it is ready.|" /* paying_later */ +
    "History|" /* history */ +
    "Ordered|" /* ev_placed */ +
    "New ship date|" /* ev_eta_changed */ +
    "Payment changed|" /* ev_payment_mode_changed */ +
    "Payment requested|" /* ev_payment_requested */ +
    "Paid|" /* ev_payment_received */ +
    "Updated|" /* ev_other */ +
    "Cancel|" /* cancel */ +
    "Switch|" /* switch */ +
    "Pay later|" /* pay_later */ +
    "Pay now|" /* pay_now */ +
    "{action}: not possible, {reason}|" /* not_now */ +
    "You get a refund.|" /* d_cancel */ +
    "How many|" /* how_many */ +
    "Price differences are refunded or charged.|" /* d_switch */ +
    "You get a refund now and keep your place.|" /* d_pay_later */ +
    "You keep your place.|" /* d_pay_now */ +
    "Confirm|" /* confirm */ +
    "Go back|" /* back */ +
    "Done.|" /* done */ +
    "That did not work: {message}|" /* error */ +
    "it is no longer waiting.|" /* r_not_waiting */ +
    "the time to cancel has passed.|" /* r_outside_cancel_window */ +
    "it is reserved.|" /* r_allocated_not_cancellable */ +
    "you pay later for it.|" /* r_pay_later_line */ +
    "no alternative in stock.|" /* r_no_alternative */ +
    "no dearer items.|" /* r_dearer_switch_refused */ +
    "the store does not offer it.|" /* r_pay_later_disabled */ +
    "part is reserved.|" /* r_partly_allocated */ +
    "not right now." /* r_other */,
  de:
    "Auf Lager|" /* in_stock */ +
    "Nachbestellung|" /* backorder */ +
    "Ausverkauft|" /* sold_out */ +
    "Versand {when}|" /* ships */ +
    "Versanddatum noch unbekannt|" /* unknown */ +
    "um den {date}|" /* around */ +
    "in {a}–{b} Wochen|" /* weeks */ +
    "später (Datum unbekannt)|" /* later */ +
    "{now} sofort, {later} {when}|" /* partial */ +
    "Nur {n} verfügbar|" /* only */ +
    "Später zahlen möglich.|" /* pay_later_note */ +
    "Sofort lieferbar|" /* alternatives */ +
    "Bei Verfügbarkeit melden|" /* notify */ +
    "E-Mail oder Telefon|" /* contact */ +
    "Benachrichtigen|" /* send */ +
    "E-Mail oder Telefon eingeben.|" /* invalid */ +
    "Danke! Wir melden uns.|" /* thanks */ +
    "Hat nicht geklappt. Erneut versuchen.|" /* failed */ +
    "Nachbestellt in Bestellung #{id}|" /* order */ +
    "{n} nachbestellt · {eta}|" /* summary */ +
    "Wartend|" /* waiting */ +
    "Reserviert|" /* allocated */ +
    "Zahlung ausstehend|" /* awaiting_payment */ +
    "Versandt|" /* shipped */ +
    "Storniert|" /* cancelled */ +
    "Getauscht|" /* switched */ +
    "Sie sind als Nächste dran.|" /* queue_first */ +
    "{n} vor Ihnen.|" /* queue */ +
    "Sie zahlen bei Versand.|" /* paying_later */ +
    "Verlauf|" /* history */ +
    "Bestellt|" /* ev_placed */ +
    "Neues Versanddatum|" /* ev_eta_changed */ +
    "Zahlung geändert|" /* ev_payment_mode_changed */ +
    "Zahlung angefordert|" /* ev_payment_requested */ +
    "Bezahlt|" /* ev_payment_received */ +
    "Aktualisiert|" /* ev_other */ +
    "Stornieren|" /* cancel */ +
    "Tauschen|" /* switch */ +
    "Später zahlen|" /* pay_later */ +
    "Jetzt bezahlen|" /* pay_now */ +
    "{action}: nicht möglich, {reason}|" /* not_now */ +
    "Sie erhalten eine Erstattung.|" /* d_cancel */ +
    "Anzahl|" /* how_many */ +
    "Differenz wird erstattet oder berechnet.|" /* d_switch */ +
    "Erstattung jetzt, Ihr Platz bleibt.|" /* d_pay_later */ +
    "Ihr Platz bleibt.|" /* d_pay_now */ +
    "Bestätigen|" /* confirm */ +
    "Zurück|" /* back */ +
    "Erledigt.|" /* done */ +
    "Hat nicht geklappt: {message}|" /* error */ +
    "wartet nicht mehr.|" /* r_not_waiting */ +
    "die Frist ist abgelaufen.|" /* r_outside_cancel_window */ +
    "bereits reserviert.|" /* r_allocated_not_cancellable */ +
    "Sie zahlen später.|" /* r_pay_later_line */ +
    "keine Alternative auf Lager.|" /* r_no_alternative */ +
    "nichts Teureres.|" /* r_dearer_switch_refused */ +
    "nicht angeboten.|" /* r_pay_later_disabled */ +
    "teils schon reserviert.|" /* r_partly_allocated */ +
    "derzeit nicht." /* r_other */,
  fr:
    "En stock|" /* in_stock */ +
    "En réassort|" /* backorder */ +
    "Épuisé|" /* sold_out */ +
    "Expédition {when}|" /* ships */ +
    "Date d’expédition inconnue|" /* unknown */ +
    "vers le {date}|" /* around */ +
    "sous {a} à {b} semaines|" /* weeks */ +
    "plus tard (date inconnue)|" /* later */ +
    "{now} maintenant, {later} {when}|" /* partial */ +
    "Seulement {n} disponibles|" /* only */ +
    "Paiement différé possible.|" /* pay_later_note */ +
    "Disponible maintenant|" /* alternatives */ +
    "Me prévenir du retour|" /* notify */ +
    "E-mail ou téléphone|" /* contact */ +
    "Me prévenir|" /* send */ +
    "Saisissez un e-mail ou un téléphone.|" /* invalid */ +
    "Merci ! Nous vous préviendrons.|" /* thanks */ +
    "Échec. Réessayez.|" /* failed */ +
    "Réassort, commande n° {id}|" /* order */ +
    "{n} en réassort · {eta}|" /* summary */ +
    "En attente|" /* waiting */ +
    "Réservé|" /* allocated */ +
    "Paiement attendu|" /* awaiting_payment */ +
    "Expédié|" /* shipped */ +
    "Annulé|" /* cancelled */ +
    "Échangé|" /* switched */ +
    "Vous êtes premier.|" /* queue_first */ +
    "{n} devant vous.|" /* queue */ +
    "Vous payez à l’expédition.|" /* paying_later */ +
    "Historique|" /* history */ +
    "Commandé|" /* ev_placed */ +
    "Nouvelle date|" /* ev_eta_changed */ +
    "Paiement modifié|" /* ev_payment_mode_changed */ +
    "Paiement demandé|" /* ev_payment_requested */ +
    "Payé|" /* ev_payment_received */ +
    "Mis à jour|" /* ev_other */ +
    "Annuler|" /* cancel */ +
    "Échanger|" /* switch */ +
    "Payer plus tard|" /* pay_later */ +
    "Payer maintenant|" /* pay_now */ +
    "{action} : impossible, {reason}|" /* not_now */ +
    "Vous êtes remboursé.|" /* d_cancel */ +
    "Quantité|" /* how_many */ +
    "La différence de prix est remboursée ou facturée.|" /* d_switch */ +
    "Vous êtes remboursé et gardez votre place.|" /* d_pay_later */ +
    "Vous gardez votre place.|" /* d_pay_now */ +
    "Confirmer|" /* confirm */ +
    "Retour|" /* back */ +
    "C’est fait.|" /* done */ +
    "Échec : {message}|" /* error */ +
    "n’est plus en attente.|" /* r_not_waiting */ +
    "le délai est dépassé.|" /* r_outside_cancel_window */ +
    "déjà réservé.|" /* r_allocated_not_cancellable */ +
    "paiement différé.|" /* r_pay_later_line */ +
    "aucune alternative en stock.|" /* r_no_alternative */ +
    "rien de plus cher.|" /* r_dearer_switch_refused */ +
    "non proposé.|" /* r_pay_later_disabled */ +
    "déjà réservé en partie.|" /* r_partly_allocated */ +
    "pas maintenant." /* r_other */,
  es:
    "En stock|" /* in_stock */ +
    "Bajo pedido|" /* backorder */ +
    "Agotado|" /* sold_out */ +
    "Se envía {when}|" /* ships */ +
    "Fecha de envío desconocida|" /* unknown */ +
    "hacia el {date}|" /* around */ +
    "en {a}–{b} semanas|" /* weeks */ +
    "más tarde (fecha desconocida)|" /* later */ +
    "{now} se envían ya, {later} {when}|" /* partial */ +
    "Solo {n} disponibles|" /* only */ +
    "Pago aplazado disponible.|" /* pay_later_note */ +
    "Disponible ahora|" /* alternatives */ +
    "Avisarme cuando vuelva|" /* notify */ +
    "Email o teléfono|" /* contact */ +
    "Avisarme|" /* send */ +
    "Escribe un email o un teléfono.|" /* invalid */ +
    "¡Gracias! Te avisaremos.|" /* thanks */ +
    "No ha funcionado. Reinténtalo.|" /* failed */ +
    "Bajo pedido en n.º {id}|" /* order */ +
    "{n} bajo pedido · {eta}|" /* summary */ +
    "En espera|" /* waiting */ +
    "Reservado|" /* allocated */ +
    "Pendiente de pago|" /* awaiting_payment */ +
    "Enviado|" /* shipped */ +
    "Cancelado|" /* cancelled */ +
    "Cambiado|" /* switched */ +
    "Eres el primero.|" /* queue_first */ +
    "{n} por delante.|" /* queue */ +
    "Pagas cuando esté listo.|" /* paying_later */ +
    "Historial|" /* history */ +
    "Pedido|" /* ev_placed */ +
    "Nueva fecha|" /* ev_eta_changed */ +
    "Pago cambiado|" /* ev_payment_mode_changed */ +
    "Pago solicitado|" /* ev_payment_requested */ +
    "Pagado|" /* ev_payment_received */ +
    "Actualizado|" /* ev_other */ +
    "Cancelar|" /* cancel */ +
    "Cambiar|" /* switch */ +
    "Pagar después|" /* pay_later */ +
    "Pagar ahora|" /* pay_now */ +
    "{action}: no es posible, {reason}|" /* not_now */ +
    "Te reembolsamos el importe.|" /* d_cancel */ +
    "Cantidad|" /* how_many */ +
    "La diferencia de precio se reembolsa o se cobra.|" /* d_switch */ +
    "Te reembolsamos ahora y mantienes tu lugar.|" /* d_pay_later */ +
    "Mantienes tu lugar.|" /* d_pay_now */ +
    "Confirmar|" /* confirm */ +
    "Volver|" /* back */ +
    "Hecho.|" /* done */ +
    "No ha funcionado: {message}|" /* error */ +
    "ya no está en espera.|" /* r_not_waiting */ +
    "pasó el plazo.|" /* r_outside_cancel_window */ +
    "ya está reservado.|" /* r_allocated_not_cancellable */ +
    "pago aplazado.|" /* r_pay_later_line */ +
    "no hay alternativa en stock.|" /* r_no_alternative */ +
    "nada más caro.|" /* r_dearer_switch_refused */ +
    "la tienda no lo ofrece.|" /* r_pay_later_disabled */ +
    "una parte ya está reservada.|" /* r_partly_allocated */ +
    "ahora no." /* r_other */,
};

// API reason codes that say the same thing to a shopper share one sentence.
export const reasonKey = (code) => 'r_' + (/^(already|switched)/.test(code) ? 'not_waiting' : /alternative|currency/.test(code) ? 'no_alternative' : code);

// The first candidate tag (data-locale, <html lang>, the browser's languages) whose language the
// table has; `tag` keeps the region for Intl (de-AT dates), `lang` picks the strings.
export function pickLocale(candidates) {
  for (const raw of candidates) {
    if (!raw) continue;
    const tag = raw.trim().replace('_', '-');
    const lang = tag.split('-')[0].toLowerCase();
    if (TEXTS[lang]) {
      let valid;
      try { valid = Intl.getCanonicalLocales(tag)[0]; } catch (e) { valid = lang; }
      return { lang, tag: valid };
    }
  }
  return { lang: 'en', tag: 'en' };
}

// t(key, vars): the string in the chosen language; the key itself when there is none, so that
// callers can tell.
export function translator(lang) {
  const values = TEXTS[TEXTS[lang] ? lang : 'en'].split('|');
  const own = Object.fromEntries(KEYS.map((key, i) => [key, values[i]]));
  return (key, vars) => (own[key] || key).replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}
