/*
 * The national training modules `turnout demo` seeds: phone banking (the
 * demo phone bank asks it of its callers), doorstep conversations,
 * safeguarding and driving volunteers.  Real guidance, written for
 * volunteers in the UK; each with a quiz bank drawn from at random.
 */
#include "demo/training.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "training/store.h"

#define ONE(k) (1u << (k))

struct seed_module {
	const char *slug, *title, *summary;
	int pass_percent, max_attempts, draw, valid_days;
	struct step_in steps[6];
	struct {
		enum quiz_kind kind;
		const char *prompt;
		const char *opts[6];
		unsigned correct;
		int order[6];
	} qs[10];
};

static const struct seed_module modules[] = {
	{ "phone-banking",
	  "Phone banking",
	  "How to call voters from home: the script, the law, and the hard calls. About ten "
	  "minutes.",
	  80,
	  3,
	  5,
	  365,
	  { { "Before you call",
	      "You will call voters from home, one at a time, from the list the campaign gives "
	      "you.\n\n"
	      "- Use the **script** on the calling page: it is written to be read aloud, so read "
	      "it.\n"
	      "- Call only within the calling hours the phone bank shows (never before 9am or "
	      "after 9pm).\n"
	      "- Have somewhere quiet to sit, and the calling page open. You only ever see one "
	      "voter: their first name and a number to call.\n"
	      "- Practise first on the pretend voters: they are on Ofcom's drama numbers, which "
	      "never ring anyone.",
	      NULL },
	    { "The call",
	      "1. **Introduce yourself** by your first name and say who you are calling for.\n"
	      "2. **Check you have the right person**, by the first name on the screen. If not, "
	      "ask politely whether they are in, or thank whoever answered and end the call.\n"
	      "3. **Ask the questions** on the screen, in order, and record what the voter says — "
	      "not what you think they meant.\n"
	      "4. **Thank them**, whatever they said, and save the outcome before you take the "
	      "next voter.\n\n"
	      "Most calls are short. A no is an answer: record it and move on.",
	      NULL },
	    { "The law and the voter's data",
	      "- If anyone asks not to be called again, record **Do not call**. It goes on one "
	      "list for every phone bank, for ever, and nobody will call that number again.\n"
	      "- Never write down, photograph or keep a voter's number or answers anywhere but the "
	      "calling page. They are personal data under UK GDPR.\n"
	      "- Notes are for what helps the campaign (\"call back after 6pm\"), never opinions "
	      "about the voter.\n"
	      "- You must not pretend to be from anyone else, and you must say who you are calling "
	      "for if asked.",
	      NULL },
	    { "Hard calls",
	      "- **Someone is rude or angry**: stay calm, do not argue, thank them and end the "
	      "call. Record the outcome honestly.\n"
	      "- **Someone is distressed or at risk**: you are not a counsellor. If someone says "
	      "they are in danger, tell them to call **999**; for someone in distress, the "
	      "Samaritans are on **116 123**, free, day or night. Then tell your organiser.\n"
	      "- **A question you cannot answer**: say you do not know and offer the campaign's "
	      "website; never make up a policy.",
	      NULL } },
	  { { QUIZ_SINGLE,
	      "A voter says: \"Don't ever call me again.\" What do you record?",
	      { "Not in", "Do not call", "Refused", "Wrong number" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "The person who answers is not the name on your screen. What do you do?",
	      { "Ask them the questions instead",
		"Ask politely whether that person is in, or end the call", "Write down their name",
		"Hang up without a word" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_MULTIPLE,
	      "Where may a voter's phone number be kept? Tick every right answer.",
	      { "On the calling page", "On a sticky note", "In your phone's contacts",
		"In a spreadsheet at home" },
	      ONE(0),
	      { 0 } },
	    { QUIZ_ORDER,
	      "Put the call in order.",
	      { "Ask the questions on the screen", "Introduce yourself and who you call for",
		"Thank them and save the outcome", "Check you have the right person" },
	      0,
	      { 1, 3, 0, 2 } },
	    { QUIZ_SHORT,
	      "Someone tells you they are in danger right now. Which number do you tell them to "
	      "call?",
	      { "999", "nine nine nine" },
	      0,
	      { 0 } },
	    { QUIZ_SINGLE,
	      "What goes in the notes?",
	      { "What you think of the voter",
		"Something that helps the campaign, like \"call back after 6pm\"",
		"The voter's full address", "Nothing, ever" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "It is 9.30pm and the phone bank's hours have ended. Can you make one more call?",
	      { "Yes, if the voter is likely to be in", "No: only within the calling hours",
		"Yes, from your own phone" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "A voter asks about a policy you know nothing about.",
	      { "Make up an answer that sounds right",
		"Say you do not know and point them to the campaign's website", "End the call" },
	      ONE(1),
	      { 0 } } } },
	{ "doorstep-conversations",
	  "Doorstep conversations",
	  "Knocking on doors with a partner: what to say, what to record, and how to stay safe.",
	  80,
	  3,
	  3,
	  0,
	  { { "On the doorstep",
	      "- Always canvass **in pairs** or more, and tell the session's host when you leave.\n"
	      "- Knock, step back, smile. Say your first name and who you are with.\n"
	      "- Ask, listen, record. The aim is to find out how people will vote and what matters "
	      "to them, not to win an argument.\n"
	      "- Respect \"no thank you\", signs that say no cold callers, and anyone who seems "
	      "vulnerable: do not press.",
	      NULL },
	    { "After each door",
	      "Record the answer straight away, at the door or on the path, never later from "
	      "memory. "
	      "Do not write anything about a person you would not want them to read.",
	      NULL } },
	  { { QUIZ_SINGLE,
	      "How do you go canvassing?",
	      { "Alone, to cover more doors", "In pairs or more", "It does not matter" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "A sign says \"No cold callers\". You:",
	      { "Knock anyway, it is politics",
		"Leave a leaflet only if the sign allows it, and do not knock",
		"Ring the bell twice" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "When do you record the answer?",
	      { "Straight away", "At the end of the session", "The next day" },
	      ONE(0),
	      { 0 } },
	    { QUIZ_MULTIPLE,
	      "Which are good reasons to end a conversation? Tick every one.",
	      { "The person says no thank you", "The person seems confused or vulnerable",
		"They disagree with you" },
	      ONE(0) | ONE(1),
	      { 0 } } } },
	{ "safeguarding",
	  "Safeguarding",
	  "Keeping children and adults at risk safe at our events: what to notice and whom to "
	  "tell. Renew every year.",
	  80,
	  3,
	  3,
	  365,
	  { { "What safeguarding means",
	      "Everyone at our events — volunteers, young members, the public — should be safe. "
	      "Safeguarding means noticing when someone may be at risk of harm, and passing it on "
	      "to the right person at once.\n\n"
	      "You are not expected to investigate. You are expected to **listen, not promise "
	      "secrecy, write down what you were told in the person's words, and tell the group's "
	      "safeguarding lead the same day**.",
	      NULL },
	    { "If someone is in immediate danger",
	      "Call **999**. Then tell the session's host and the safeguarding lead. For a concern "
	      "about a child that is not an emergency, the NSPCC helpline is **0808 800 5000**.",
	      NULL } },
	  { { QUIZ_SINGLE,
	      "A young volunteer tells you something worrying and asks you to keep it secret. You:",
	      { "Promise to keep it secret",
		"Say you cannot promise that, listen, and tell the safeguarding lead",
		"Tell everyone at the session" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SHORT,
	      "Someone is in immediate danger. What number do you call?",
	      { "999" },
	      0,
	      { 0 } },
	    { QUIZ_SINGLE,
	      "When do you tell the safeguarding lead?",
	      { "The same day", "At the next meeting", "Only if you are sure" },
	      ONE(0),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "Your job is to:",
	      { "Investigate what happened", "Notice, listen and pass it on",
		"Confront the person concerned" },
	      ONE(1),
	      { 0 } } } },
	{ "driving-volunteers",
	  "Driving volunteers",
	  "Giving other volunteers a lift to a session: insurance, safety and the pick-up plan.",
	  80,
	  3,
	  3,
	  0,
	  { { "Before you offer a lift",
	      "- Check your **insurance covers giving lifts**: most social, domestic and pleasure "
	      "policies do when no one pays you beyond a share of fuel. Ask your insurer if "
	      "unsure.\n"
	      "- Your car must be taxed, insured and have a valid MOT. Offer only the seats you "
	      "have belts for.\n"
	      "- Riders see your first name and district until you both agree; then the exact "
	      "pick-up and your contact.",
	      NULL },
	    { "On the day",
	      "Follow the pick-up plan in order, leave on time, and never drive tired. If you "
	      "cannot make it, withdraw the offer at once: your riders are matched again "
	      "automatically.",
	      NULL } },
	  { { QUIZ_SINGLE,
	      "A rider offers £20 for a 10-mile lift. You:",
	      { "Take it", "Take no more than a share of the fuel", "Charge by the hour" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "How many riders can you take?",
	      { "As many as fit", "One for each seat with a belt", "Two more than the seats" },
	      ONE(1),
	      { 0 } },
	    { QUIZ_SINGLE,
	      "You cannot make it after all. You:",
	      { "Withdraw the offer at once", "Just do not turn up", "Send a friend instead" },
	      ONE(0),
	      { 0 } } } },
};

long demo_training(struct db *db)
{
	long phone = 0;
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		const struct seed_module *s = &modules[i];
		struct module m = { .pass_percent = s->pass_percent,
				    .max_attempts = s->max_attempts,
				    .draw = s->draw,
				    .valid_days = s->valid_days,
				    .version = 1 };
		struct question_in qs[10];
		int nsteps = 0, nq = 0;
		snprintf(m.slug, sizeof(m.slug), "%s", s->slug);
		snprintf(m.title, sizeof(m.title), "%s", s->title);
		snprintf(m.summary, sizeof(m.summary), "%s", s->summary);
		while (nsteps < 6 && s->steps[nsteps].title)
			nsteps++;
		for (; nq < 10 && s->qs[nq].prompt; nq++) {
			struct question *q = &qs[nq].q;
			memset(q, 0, sizeof(*q));
			q->kind = s->qs[nq].kind;
			q->correct = s->qs[nq].correct;
			while (q->nopts < 6 && s->qs[nq].opts[q->nopts]) {
				snprintf(q->opt[q->nopts], sizeof(q->opt[0]), "%s",
					 s->qs[nq].opts[q->nopts]);
				q->order[q->nopts] = s->qs[nq].order[q->nopts];
				q->nopts++;
			}
			qs[nq].prompt = s->qs[nq].prompt;
			if (question_check(q))
				return -1; /* a seed that cannot be asked is a bug here */
		}
		if (quiz_check(m.pass_percent, m.draw, nq, m.max_attempts) ||
		    module_create(db, &m, s->steps, nsteps, qs, nq, (long long)time(NULL)))
			return -1;
		if (!strcmp(s->slug, "phone-banking"))
			phone = m.id;
	}
	return phone;
}
