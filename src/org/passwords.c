/*
** Passwords: the rule for new ones, argon2id hashing, and the hashing threads
** that every password check and hash the server makes goes through.
**
** A hash costs memory and a core for a while, and anyone may ask for one by
** logging in: so hashes are computed by a fixed number of threads (one per
** core), with a short queue before them; a request beyond the queue is
** answered 503 at once.  The server's own worker threads only hand the work
** over and wait for nothing, so health checks and every other request stay
** answered while logins pile up.
*/
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/builtin.h"
#include "core/index.h"
#include "core/log.h"
#include "http/auth.h"
#include "org/org.h"

/*
** OWASP's password-storage cheat sheet: argon2id with 19 MiB, 2 passes and 1
** lane (about 14 ms on a 2-core server of this project).  Tests may set
** BANYAN_PWHASH=interactive for argon2id's minimum.  A hash records its own
** limits, so any hash still verifies; logging in rehashes one made with
** other limits.
*/
static void pwhash_limits(unsigned long long *ret_ops, size_t *ret_mem)
{
	const char *mode = getenv("BANYAN_PWHASH");
	bool fast = mode && strcmp(mode, "interactive") == 0;
	*ret_ops = fast ? crypto_pwhash_OPSLIMIT_MIN : 2;
	*ret_mem = fast ? crypto_pwhash_MEMLIMIT_MIN : (size_t)19 << 20;
}

int user_hash_password(const char *password, char ret_hash[128])
{
	unsigned long long ops;
	size_t mem;
	pwhash_limits(&ops, &mem);
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	memcpy(ret_hash, out, sizeof out);
	return 0;
}

/* Is password one of data/passwords/common.txt's, in any case? */
static bool password_is_common(const char *password)
{
	const struct builtin_file *f = builtin_find("data/passwords/common.txt");
	size_t n = strlen(password);
	for (const char *line = f ? f->data : ""; *line;) {
		size_t len = strcspn(line, "\n");
		if (line[0] != '#' && len == n && strncasecmp(line, password, n) == 0)
			return true;
		line += len + (line[len] == '\n');
	}
	return false;
}

const char *password_problem(const char *password)
{
	/* Characters, not bytes: a Chinese passphrase counts what it shows. */
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars < PASSWORD_MIN_CHARS)
		return "密码至少 12 个字符 (password needs at least 12 characters)";
	if (password_is_common(password))
		return "这是最常见的密码之一,请另选 (one of the most common passwords: choose another)";
	return NULL;
}

/* ---- the hashing threads ---------------------------------------------- */

enum { QUEUE_PER_THREAD = 4, MAX_THREADS = 16, HASHER_NICE = 10 };

static struct {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	pthread_t threads[MAX_THREADS];
	int n_threads;
	bool running, stopping;
	struct pwhash_job *head, *tail;
	int queued;
	/* Unknown usernames are checked against this hash so that they take as
	** long as known ones: the timing does not tell which usernames exist. */
	char dummy[crypto_pwhash_STRBYTES];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER};

static void job_run(struct pwhash_job *job)
{
	if (job->password) {
		const char *against = job->stored ? job->stored : pool.dummy;
		job->verified =
		    crypto_pwhash_str_verify(against, job->password, strlen(job->password)) == 0 && job->stored;
	}
	const char *to_hash = job->new_password;
	if (!to_hash && job->rehash && job->verified) {
		unsigned long long ops;
		size_t mem;
		pwhash_limits(&ops, &mem);
		if (crypto_pwhash_str_needs_rehash(job->stored, ops, mem) != 0)
			to_hash = job->password;
	}
	if (to_hash && (!job->password || job->verified)) {
		job->failed = user_hash_password(to_hash, job->new_hash) < 0;
		job->hashed = !job->failed;
	}
}

static void *hasher_main(void *arg)
{
	(void)arg;
	/* Below the server's workers: a health check or any other request
	** takes a core before a login's hash does. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), HASHER_NICE) != 0)
		log_info("password hashing runs at normal priority: %s", strerror(errno));
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (!pool.head && !pool.stopping)
			pthread_cond_wait(&pool.ready, &pool.lock);
		if (!pool.head)
			break;
		struct pwhash_job *job = pool.head;
		pool.head = job->next;
		if (!pool.head)
			pool.tail = NULL;
		pool.queued--;
		pthread_mutex_unlock(&pool.lock);
		job_run(job);
		request_resume(job->r);
		pthread_mutex_lock(&pool.lock);
	}
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

/* The job is done: answer, unless hashing ran out of memory. */
static void job_answer(struct request *r, void *arg)
{
	struct pwhash_job *job = arg;
	if (job->failed)
		reply_error(r, 503, "busy", NULL, "系统繁忙,请稍后重试 (out of memory, retry)");
	else
		job->answer(r, job->arg);
}

bool pwhash_run(struct request *r, struct pwhash_job *job, void (*answer)(struct request *r, void *arg), void *arg)
{
	job->r = r;
	job->next = NULL;
	job->answer = answer;
	job->arg = arg;
	pthread_mutex_lock(&pool.lock);
	if (!pool.running || !r->conn) {
		/* No hashing threads (a request outside the server): hash here. */
		pthread_mutex_unlock(&pool.lock);
		job_run(job);
		job_answer(r, job);
		return true;
	}
	if (pool.queued >= pool.n_threads * QUEUE_PER_THREAD) {
		pthread_mutex_unlock(&pool.lock);
		r->retry_after = 1;
		reply_error(r, 503, "busy", NULL,
		            "登录人数过多,请稍后重试 (too many password checks at once; retry in a second)");
		return false;
	}
	request_defer(r, job_answer, job);
	if (pool.tail)
		pool.tail->next = job;
	else
		pool.head = job;
	pool.tail = job;
	pool.queued++;
	pthread_cond_signal(&pool.ready);
	pthread_mutex_unlock(&pool.lock);
	return true;
}

static int pool_stop(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.stopping = true;
	pthread_cond_broadcast(&pool.ready);
	pthread_mutex_unlock(&pool.lock);
	for (int i = 0; i < pool.n_threads; i++)
		pthread_join(pool.threads[i], NULL);
	pool.n_threads = 0;
	pool.running = pool.stopping = false;
	return 0;
}

/*
** SERVICE: passwords
** SUMMARY: 密码哈希线程 The password-hashing threads, one per core, with a short queue
*/
int password_service(enum service_phase phase, const char *db_path)
{
	(void)db_path;
	if (phase == SERVICE_DEMO)
		return 0;
	if (phase == SERVICE_STOP)
		return pool_stop();
	char random[33];
	auth_random_hex(random, 16);
	if (user_hash_password(random, pool.dummy) < 0)
		return -1;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
	for (; pool.n_threads < want; pool.n_threads++) {
		if (pthread_create(&pool.threads[pool.n_threads], NULL, hasher_main, NULL) != 0) {
			log_error("cannot start a password-hashing thread");
			pool_stop();
			return -1;
		}
	}
	pool.running = true;
	return 0;
}
