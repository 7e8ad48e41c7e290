# cython: language_level=3, boundscheck=False, wraparound=False
"""leadlint's optional compiled core: the per-lead hot path, typed.

Each class or function is the compiled twin of Python code it names: the
family screens (``leadlint/rules/screens.py``) and the one call that runs
them (``rules.family_runner``), the usual duplicate keys and their repeats
(``leadlint/rules/records.py``), the NDJSON line test (``readers``), the
audit's view of a lead (``audit.make_view``) and the parent's key decisions
(``records.DuplicateTables``). The Python code builds it with the same
parameters it computes for itself, and it answers exactly as the Python code
does (``tests/test_core.py`` compares the two on the rule cases, the corpora
and generated leads); it only reads the common shapes with typed C loops
instead of regular expressions and bytecode. Whatever it does not model goes
to the very Python helper the pure-Python code calls. The build
(``hatch_build.py``) is optional: without it, ``leadlint.core`` gives None
and the Python code runs.
"""

from libc.string cimport memchr


cdef extern from *:
    """
    #ifndef LEADLINT_CORE_DIGEST
    #define LEADLINT_CORE_DIGEST ""
    #endif
    """
    const char* LEADLINT_CORE_DIGEST

cdef extern from "Python.h":
    Py_UCS4 PyUnicode_READ_CHAR(object text, Py_ssize_t index)

cdef enum:
    QUOTE = 34
    COLON = 58
    BACKSLASH = 92

# SHA-256 of the source this module was compiled from ("" when built by hand).
DIGEST = (<bytes>LEADLINT_CORE_DIGEST).decode("ascii")

cdef object _MISSING = object()


cdef inline Py_UCS4 _at(str text, Py_ssize_t index):
    """The character at ``index``, which the caller keeps in range (no checks)."""
    return PyUnicode_READ_CHAR(text, index)


cdef inline bint _digit(Py_UCS4 c):
    return u'0' <= c <= u'9'


cdef inline bint _letter(Py_UCS4 c):
    return u'a' <= c <= u'z' or u'A' <= c <= u'Z'


cdef inline bint _number(object value):
    return type(value) is int or type(value) is float


cdef inline bint _disjoint(dict mapping, tuple names):
    """Whether ``mapping`` has none of ``names`` as a key (``keys().isdisjoint(names)``)."""
    for name in names:
        if name in mapping:
            return False
    return True


cdef inline object _contact(object lead):
    """The lead's ``contact`` object, or None (also for a lead that is no object)."""
    if isinstance(lead, dict):
        contact = (<dict>lead).get("contact")
        if isinstance(contact, dict):
            return contact
    return None


# --- the screens (leadlint/rules/screens.py) -------------------------------------

cdef class Screen:
    """A family's screen: ``quiet`` from C (see :class:`Families`), or called from Python."""

    cdef int quiet(self, object lead) except -1:
        return 0

    def __call__(self, lead):
        return self.quiet(lead) == 1


cdef class Families:
    """The groups of checks a lead needs: those whose screen does not call it quiet.

    ``rules.family_runner``: ``groups`` are (screen or None, checks) in code
    order; a screen may be a compiled :class:`Screen` or any Python callable.
    """

    cdef tuple screens, checks

    def __init__(self, list groups):
        self.screens = tuple(screen for screen, _checks in groups)
        self.checks = tuple(checks for _screen, checks in groups)

    def __call__(self, lead):
        cdef list run = None
        cdef Py_ssize_t i
        cdef bint quiet
        for i in range(len(self.screens)):
            screen = self.screens[i]
            if screen is None:
                quiet = False
            elif isinstance(screen, Screen):
                quiet = (<Screen>screen).quiet(lead)
            else:
                quiet = screen(lead)
            if not quiet:
                if run is None:
                    run = []
                run.append(self.checks[i])
        return () if run is None else run


# --- names (screens.names_screen) ----------------------------------------------

cdef class NamesScreen(Screen):
    cdef object name

    def __init__(self, name):
        self.name = name  # screens._name: cached (level, clean, head, tail, folded)

    cdef int quiet(self, object lead) except -1:
        cdef tuple first_name, last_name
        contact = _contact(lead)
        if contact is None:
            return True
        first = (<dict>contact).get("firstName")
        last = (<dict>contact).get("lastName")
        if isinstance(first, str):
            first_name = self.name(first)
            if first_name[0] or not first_name[1]:
                return False
            if isinstance(last, str):
                last_name = self.name(last)
                if last_name[0] > 1 or not last_name[1]:
                    return False
                if first_name[4] and first_name[4] == last_name[4]:
                    return False
                return not (
                    (first_name[2] and last_name[3]) or (last_name[2] and first_name[3])
                )
        elif isinstance(last, str):
            last_name = self.name(last)
            return bool(last_name[0] < 2 and last_name[1])
        return True


# --- email (screens.email_screen) ----------------------------------------------

cdef inline bint _atom_char(Py_UCS4 c):
    return _letter(c) or _digit(c) or c in u"!#$%&'*+/=?^_`{|}~-"


cpdef bint dot_atom(str text):
    """``[atext]+(?:\\.[atext]+)*``, as screens._LOCAL matches it."""
    cdef Py_ssize_t i, n = len(text)
    cdef Py_UCS4 c
    cdef bint after_dot = True
    for i in range(n):
        c = _at(text, i)
        if c == u'.':
            if after_dot:
                return False
            after_dot = True
        elif _atom_char(c):
            after_dot = False
        else:
            return False
    return n > 0 and not after_dot


cdef class EmailScreen(Screen):
    cdef object clean_domain
    cdef frozenset roles

    def __init__(self, clean_domain, frozenset roles):
        self.clean_domain = clean_domain
        self.roles = roles

    cdef int quiet(self, object lead) except -1:
        contact = _contact(lead)
        if contact is None:
            return True
        value = (<dict>contact).get("email")
        if not isinstance(value, str):
            return True
        if len(<str>value) > 64:
            return False
        local, _, domain = (<str>value).rpartition(u"@")
        if not self.clean_domain(domain) or not dot_atom(local):
            return False
        return (<str>local).lower().partition(u"+")[0] not in self.roles


# --- phone (screens.phone_screen) ----------------------------------------------

cpdef bint e164_nanp(str text):
    """``\\+1[2-9][0-9]{2}(?!555)[2-9][0-9]{6}``, as screens._E164_NANP matches it."""
    cdef Py_ssize_t i
    if len(text) != 12 or _at(text, 0) != u'+' or _at(text, 1) != u'1':
        return False
    for i in range(2, 12):
        if not _digit(_at(text, i)):
            return False
    if _at(text, 2) < u'2' or _at(text, 5) < u'2':
        return False
    return not (_at(text, 5) == u'5' and _at(text, 6) == u'5' and _at(text, 7) == u'5')


cdef class PhoneScreen(Screen):
    cdef frozenset placeholders
    cdef dict area_codes
    cdef object served, state_code, any_state

    def __init__(self, frozenset placeholders, dict area_codes, served, state_code, any_state):
        self.placeholders = placeholders
        self.area_codes = area_codes  # area code -> served(area code), filled as met
        self.served = served
        self.state_code = state_code
        self.any_state = any_state

    cdef int quiet(self, object lead) except -1:
        contact = _contact(lead)
        if contact is None:
            return True
        phone = (<dict>contact).get("phone")
        if not isinstance(phone, dict):
            return True
        text = (<dict>phone).get("number")
        lookup = (<dict>phone).get("lookup")
        if isinstance(lookup, dict):
            if (<dict>lookup).get("isValid") is False:
                return False
            other = (<dict>lookup).get("number")
            if isinstance(other, str) and other != text and (<str>other).strip():
                return False
        if not isinstance(text, str):
            return True
        if not e164_nanp(text) or text in self.placeholders:
            return False
        npa = (<str>text)[2:5]
        states = self.area_codes.get(npa, _MISSING)
        if states is _MISSING:
            states = self.area_codes[npa] = self.served(npa)
        if states is None:
            return False
        if states is self.any_state:
            return True
        address = (<dict>contact).get("streetAddress")
        if not isinstance(address, dict):
            return True
        state = (<dict>address).get("state") or (<dict>address).get("province")
        code = self.state_code(state) if isinstance(state, str) else None
        return code is None or code in states


# --- address (screens.address_screen) ------------------------------------------

cpdef bint plain_street(str text, frozenset suffixes, frozenset excluded):
    """Whether ``address_data._FAST_STREET`` matches, with a name not ``excluded``."""
    cdef Py_ssize_t i = 1, start, n = len(text)
    if n == 0 or not text.isascii() or not (u'1' <= _at(text, 0) <= u'9'):
        return False
    while i < n and _digit(_at(text, i)):
        i += 1
    if i > 6 or i >= n or _at(text, i) != u' ':
        return False
    i += 1
    start = i
    while i < n and _letter(_at(text, i)):
        i += 1
    if not 1 <= i - start <= 30 or i >= n or _at(text, i) != u' ':
        return False
    suffix = text[i + 1 : n - 1] if _at(text, n - 1) == u'.' else text[i + 1 :]
    return (
        (<str>suffix).lower() in suffixes
        and text[start:i].lower() not in excluded
    )



cdef class AddressScreen(Screen):
    cdef object street_kind, street, zip_format
    cdef tuple street_lines
    cdef frozenset usps, suffixes, excluded
    cdef dict zips

    def __init__(
        self, street_kind, street, tuple street_lines, frozenset suffixes,
        frozenset excluded, frozenset usps, dict zips, zip_format,
    ):
        self.street_kind = street_kind  # address_data.street_kind
        self.street = street  # LineKind.STREET
        self.street_lines = street_lines
        self.suffixes = suffixes  # FAST_PATH_SUFFIXES
        self.excluded = excluded  # FAST_PATH_EXCLUDED
        self.usps = usps
        self.zips = zips
        self.zip_format = zip_format  # ZIP_FORMAT.fullmatch

    cdef int quiet(self, object lead) except -1:
        contact = _contact(lead)
        if contact is None:
            return True
        address = (<dict>contact).get("streetAddress")
        if not isinstance(address, dict):
            return True
        country = (<dict>address).get("country")
        if country is not None and country != u"US":
            return False
        line = (<dict>address).get("line1")
        if isinstance(line, str) and line and not (<str>line).isspace():
            if not plain_street(line, self.suffixes, self.excluded) and self.street_kind(line) not in self.street_lines:
                return False
        state = (<dict>address).get("state")
        if isinstance(state, str) and state and not (<str>state).isspace():
            if state not in self.usps:
                return False
        else:
            state = None
        postal = (<dict>address).get("postalCode")
        if isinstance(postal, str) and postal and not (<str>postal).isspace():
            states = self.zips.get(postal)
            if states is None:
                if not self.zip_format(postal):
                    return False
                states = self.zips.get((<str>postal)[:5])
            if state is not None and states is not None and state not in states:
                return False
        return True


# --- customer (screens.customer_screen) ----------------------------------------

cdef class CustomerScreen(Screen):
    cdef object low_age, high_age, max_income, low_h, high_h, low_w, high_w
    cdef object max_dependents, low_score, high_score
    cdef long year_502, year_503, year_508
    cdef tuple enums

    def __init__(
        self, tuple limits, tuple scores, tuple years, tuple enums,
    ):
        (
            self.low_age, self.high_age, self.max_income, self.low_h, self.high_h,
            self.low_w, self.high_w, self.max_dependents,
        ) = limits
        self.low_score, self.high_score = scores
        self.year_502, self.year_503, self.year_508 = years
        self.enums = enums

    cdef int quiet(self, object lead) except -1:
        cdef long birth_year = 0
        cdef bint born = False
        if not isinstance(lead, dict):
            return True
        customer = (<dict>lead).get("customer")
        if not isinstance(customer, dict):
            return True
        value = (<dict>customer).get("birthDate")
        if type(value) is str:
            birth_year = iso_year(value)
            if birth_year < 0:
                return False
            born = True
            if birth_year >= self.year_502 or not (
                self.low_age < self.year_503 - birth_year <= self.high_age
            ):
                return False
        value = (<dict>customer).get("creditScore")
        if _number(value) and not self.low_score <= value <= self.high_score:
            return False
        value = (<dict>customer).get("income")
        if _number(value) and not 0 <= value <= self.max_income:
            return False
        value = (<dict>customer).get("height")
        if _number(value) and not self.low_h <= value <= self.high_h:
            return False
        value = (<dict>customer).get("weight")
        if _number(value) and not self.low_w <= value <= self.high_w:
            return False
        value = (<dict>customer).get("numberOfDependents")
        if _number(value) and not 0 <= value <= self.max_dependents:
            return False
        value = (<dict>customer).get("monthsAtResidence")
        if _number(value) and (
            value < 0 or (born and value > 12 * (self.year_508 - birth_year - 1))
        ):
            return False
        for field, allowed in self.enums:
            value = (<dict>customer).get(field)
            if type(value) is str and value not in allowed:
                return False
        return True


# --- customer dates ------------------------------------------------------------

cdef int _MONTH_DAYS[12]
_MONTH_DAYS[:] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


cdef inline int _number_at(str text, Py_ssize_t start, Py_ssize_t end):
    """The ASCII digits from ``start`` to ``end`` as a number; -1 if any is not one."""
    cdef int number = 0
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(start, end):
        c = _at(text, i)
        if not _digit(c):
            return -1
        number = number * 10 + (<int>c - 48)
    return number


cpdef int iso_year(str text):
    """The year of an exact ``YYYY-MM-DD`` naming a real day (customer_data.iso_date), else -1."""
    cdef int year, month, day
    if len(text) != 10 or _at(text, 4) != u'-' or _at(text, 7) != u'-':
        return -1
    year, month, day = _number_at(text, 0, 4), _number_at(text, 5, 7), _number_at(text, 8, 10)
    if year < 0 or month < 1 or month > 12 or day < 1:
        return -1
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return year if day <= 29 else -1
    return year if day <= _MONTH_DAYS[month - 1] else -1


# --- metadata (screens.metadata_screen) ----------------------------------------

cpdef bint certificate(str value):
    """``https://(?:cert|ping)\\.trustedform\\.com/[A-Za-z0-9_-]{20,256}/?`` in full."""
    cdef Py_ssize_t i, n = len(value)
    cdef Py_UCS4 c
    if not (
        value.startswith(u"https://cert.trustedform.com/")
        or value.startswith(u"https://ping.trustedform.com/")
    ):
        return False
    if n > 29 and _at(value, n - 1) == u'/':
        n -= 1
    if not 20 <= n - 29 <= 256:
        return False
    for i in range(29, n):
        c = _at(value, i)
        if not (_letter(c) or _digit(c) or c == u'_' or c == u'-'):
            return False
    return True


cdef Py_ssize_t _octet(str text, Py_ssize_t i, Py_ssize_t n, int* value):
    """A decimal octet 0-255 without leading zeros at ``i``: the index after it, or -1."""
    cdef Py_ssize_t start = i
    cdef int number = 0
    while i < n and _digit(_at(text, i)):
        if i - start == 3:
            return -1
        number = number * 10 + (<int>_at(text, i) - 48)
        i += 1
    if i == start or (i - start > 1 and _at(text, start) == u'0') or number > 255:
        return -1
    value[0] = number
    return i


cdef bint _octets(str text, Py_ssize_t i, int count):
    """Whether ``text`` from ``i`` to its end is ``count`` dotted octets."""
    cdef Py_ssize_t n = len(text)
    cdef int k, value
    for k in range(count):
        i = _octet(text, i, n, &value)
        if i < 0:
            return False
        if k < count - 1:
            if i >= n or _at(text, i) != u'.':
                return False
            i += 1
    return i == n


cpdef bint three_octets(str text):
    """Three dotted decimal octets 0-255 without leading zeros (screens._THREE_OCTETS)."""
    return _octets(text, 0, 3)


cpdef bint plain_http(str value):
    """``http(s)://`` and a host of letters, digits, dots and hyphens, then the end or ``/?#``.

    ``urlsplit`` reads such a URL's scheme and host as written, so
    ``is_absolute_http`` holds for it.
    """
    cdef Py_ssize_t i, start, n = len(value)
    cdef Py_UCS4 c
    if value.startswith(u"https://"):
        start = 8
    elif value.startswith(u"http://"):
        start = 7
    else:
        return False
    i = start
    while i < n:
        c = _at(value, i)
        if c == u'/' or c == u'?' or c == u'#':
            break
        if not (_letter(c) or _digit(c) or c == u'.' or c == u'-'):
            return False
        i += 1
    return i > start


cdef class MetadataScreen(Screen):
    cdef bint require
    cdef str latest
    cdef object public, ip_address_kind, is_absolute_http, clean_agent
    cdef tuple flat_fields, server_managed
    cdef bint public_first[256]  # the first octets of screens._PUBLIC_FIRST_OCTETS

    def __init__(
        self, bint require, str latest, public, ip_address_kind, is_absolute_http,
        clean_agent, frozenset flat_fields, frozenset public_first_octets,
        frozenset server_managed,
    ):
        self.require = require
        self.latest = latest
        self.public = public
        self.ip_address_kind = ip_address_kind
        self.is_absolute_http = is_absolute_http
        self.clean_agent = clean_agent
        self.flat_fields = tuple(flat_fields)
        for octet in range(256):
            self.public_first[octet] = str(octet) in public_first_octets
        self.server_managed = tuple(server_managed)

    cdef bint past(self, str value):
        return (
            len(value) == 20
            and _at(value, 10) == u'T'
            and _at(value, 19) == u'Z'
            and value.isascii()
            and value <= self.latest
        )

    cdef bint public_ipv4(self, str value):
        """An IPv4 address written plainly, with a first octet that only public ranges start."""
        cdef int first
        cdef Py_ssize_t i = _octet(value, 0, len(value), &first)
        return (
            i > 0
            and i < len(value)
            and _at(value, i) == u'.'
            and self.public_first[first]
            and _octets(value, i + 1, 3)
        )

    cdef bint link(self, object value):
        """Whether a landing page or referrer leaves LL607/LL608 nothing to say."""
        if not isinstance(value, str) or plain_http(value):
            return True
        return bool(self.is_absolute_http(value)) or not (<str>value).strip()

    cdef int quiet(self, object lead) except -1:
        cdef dict metadata
        if not isinstance(lead, dict):
            return True
        if not _disjoint(<dict>lead, self.flat_fields):
            return False
        created = (<dict>lead).get("createdAt")
        modified = (<dict>lead).get("modifiedAt")
        if isinstance(created, str):
            if not self.past(created):
                return False
            if isinstance(modified, str) and modified < created:
                return False
        if isinstance(modified, str) and not self.past(modified):
            return False
        contact = (<dict>lead).get("contact")
        if isinstance(contact, dict):
            phone = (<dict>contact).get("phone")
            if isinstance(phone, dict):
                value = (<dict>phone).get("phoneIdentityId")
                if value is not None and value is not False and value != u"":
                    return False
        found = (<dict>lead).get("metadata")
        if not isinstance(found, dict):
            return not self.require
        metadata = <dict>found
        value = metadata.get("trustedFormUrl")
        if isinstance(value, str):
            if not certificate(value):
                return False
        elif value is not None or self.require:
            return False
        value = metadata.get("ipAddress")
        if isinstance(value, str):
            if not self.public_ipv4(value):
                if (<str>value).strip() and self.ip_address_kind(value) is not self.public:
                    return False
        if not self.link(metadata.get("landingPage")) or not self.link(metadata.get("referrer")):
            return False
        value = metadata.get("price")
        if isinstance(value, (int, float)) and value < 0:
            return False
        value = metadata.get("directPostPrice")
        if isinstance(value, (int, float)) and value < 0:
            return False
        value = metadata.get("createdAt")
        if isinstance(value, str) and not self.past(value):
            return False
        value = metadata.get("userAgent")
        if isinstance(value, str) and not self.clean_agent(value):
            return False
        return _disjoint(metadata, self.server_managed)


# --- duplicate keys (records.usual_keys) ---------------------------------------

cdef class UsualKeys:
    cdef object key_of, phone_key
    cdef bint native
    cdef tuple flat_ids
    cdef frozenset gmail

    def __init__(self, key_of, bint native, frozenset flat_ids, frozenset gmail, phone_key):
        self.key_of = key_of
        self.native = native  # key_of is records._python_hash_key: computed here
        self.flat_ids = tuple(flat_ids)
        self.gmail = gmail
        self.phone_key = phone_key

    cdef object key(self, str kind, str value):
        cdef unsigned long long hashed
        if not self.native:
            return self.key_of(kind, value)
        hashed = <unsigned long long>hash((kind, value))
        return hashed if hashed else 1

    cdef object phone(self, str value):
        cdef Py_ssize_t i
        if len(value) == 12 and _at(value, 0) == u'+' and _at(value, 1) == u'1':
            for i in range(2, 12):
                if not _digit(_at(value, i)):
                    return self.phone_key(value)
            return value[2:]
        return self.phone_key(value)

    cdef object email(self, str value):
        local, at, domain = value.strip().lower().rpartition(u"@")
        if not (at and local and domain):
            return None
        if domain in self.gmail:
            local = (<str>local).partition(u"+")[0].replace(u".", u"")
            domain = u"gmail.com"
        return local + u"@" + domain

    def __call__(self, lead):
        if not isinstance(lead, dict):
            return None
        contact = (<dict>lead).get("contact")
        if not isinstance(contact, dict) or not _disjoint(<dict>lead, self.flat_ids):
            return None
        external = 0
        metadata = (<dict>lead).get("metadata")
        if isinstance(metadata, dict):
            if "sellerLeadId" in <dict>metadata:
                return None
            value = (<dict>metadata).get("externalId")
            if isinstance(value, str) and value:
                external = self.key(u"externalId", value)
        value = (<dict>lead).get("id")
        lead_id = self.key(u"id", value) if isinstance(value, str) and value else 0
        phone = (<dict>contact).get("phone")
        value = (<dict>phone).get("number") if isinstance(phone, dict) else None
        number = self.phone(value) if isinstance(value, str) else None
        phone_number = 0 if number is None else self.key(u"phone", number)
        value = (<dict>contact).get("email")
        address = self.email(value) if isinstance(value, str) else None
        email = 0 if address is None else self.key(u"email", address)
        return lead_id, external, phone_number, email


cdef class UsualRepeats:
    """``DuplicateTables.repeats_usual``: (code, pointer, earlier lead) of each repeated key."""

    cdef tuple tables, slots
    cdef object repeats_in

    def __init__(self, tuple tables, tuple slots, repeats_in):
        self.tables = tables  # the SeenTable of each slot
        self.slots = slots  # records.USUAL_SLOTS
        self.repeats_in = repeats_in  # DuplicateTables.repeats_in, for a table past its dict

    def __call__(self, tuple keys, tuple ref):
        cdef list found = []
        cdef Py_ssize_t i
        cdef unsigned long long packed = (<unsigned long long>ref[0] << 40) | <unsigned long long>ref[1]
        cdef unsigned long long first
        for i in range(len(keys)):
            key = keys[i]
            if not key:
                continue
            table = self.tables[i]
            code, pointer = <tuple>self.slots[i]
            small = table.small
            if small is None:
                for _pointer, earlier in self.repeats_in(code, [(pointer, key)], ref):
                    found.append((code, pointer, earlier))
                continue
            first = (<dict>small).setdefault(key, packed)
            if first != packed:
                found.append((code, pointer, (first >> 40, first & ((1ULL << 40) - 1))))
            elif len(<dict>small) > table.small_keys:
                table.spill()
        return found


# --- reading (readers.read_ndjson) ---------------------------------------------

cdef Py_ssize_t _members(object value, Py_ssize_t limit, Py_ssize_t depth) except -2:
    """Members of all objects in a container at ``depth``; -1 if it nests past ``limit``."""
    cdef Py_ssize_t inner, total = 0
    if depth > limit:
        return -1
    if isinstance(value, dict):
        total = len(<dict>value)
        children = (<dict>value).values()
    else:
        children = value
    for child in children:
        if isinstance(child, dict) or isinstance(child, list):
            inner = _members(child, limit, depth + 1)
            if inner < 0:
                return -1
            total += inner
    return total


cdef Py_ssize_t _colons(const unsigned char* text, Py_ssize_t n):
    """Colons outside strings in valid JSON text: one per object member written."""
    cdef Py_ssize_t i = 0, colons = 0, slashes
    cdef const unsigned char* end
    while i < n:
        if text[i] == COLON:
            colons += 1
        elif text[i] == QUOTE:
            while True:  # to the closing quote: one after an even run of backslashes
                end = <const unsigned char*>memchr(text + i + 1, QUOTE, n - i - 1)
                if end == NULL:
                    return -1
                i = end - text
                slashes = 0
                while text[i - 1 - slashes] == BACKSLASH:
                    slashes += 1
                if slashes % 2 == 0:
                    break
        i += 1
    return colons


def plain_line(bytes raw, value, Py_ssize_t limit):
    """Whether a line ``raw`` that orjson read as ``value`` repeats no key and nests within ``limit``.

    orjson keeps the last of repeated keys silently: a line repeats none
    exactly when it writes as many object members (colons outside strings)
    as its objects hold. That is all the careful path of ``read_ndjson``
    finds out about a readable line whose findings are not placed inside
    it; the compact-line test (``dumps(value) == raw``), which positions
    need, holds only for lines written as orjson writes them.
    """
    cdef Py_ssize_t members
    if not (isinstance(value, dict) or isinstance(value, list)):
        return True
    members = _members(value, limit, 1)
    return members >= 0 and _colons(<const unsigned char*><const char*>raw, len(raw)) == members


def depth_exceeds(value, Py_ssize_t limit):
    """``parsing.depth_exceeds``: whether objects and arrays nest deeper than ``limit``."""
    if not (isinstance(value, dict) or isinstance(value, list)):
        return False
    return _members(value, limit, 1) < 0


# --- the audit's view of a lead (audit.make_view) -------------------------------

cdef class AuditView:
    """``audit.make_view(path)``: (group key, created day) of a lead."""

    cdef tuple path
    cdef dict days
    cdef object day
    cdef Py_ssize_t kept

    def __init__(self, tuple path, dict days, day, Py_ssize_t kept):
        self.path = path  # the --group-by field, split
        self.days = days  # audit._DAYS: the first ten characters -> their day
        self.day = day  # audit._day
        self.kept = kept  # audit._DAYS_KEPT

    cdef object group(self, object lead):
        node = lead
        for part in self.path:
            if not isinstance(node, dict):
                return None
            node = (<dict>node).get(part)
        if node is None or isinstance(node, dict) or isinstance(node, list):
            return None
        if isinstance(node, bool):
            return u"true" if node else u"false"
        text = str(node).strip()
        return text or None

    cdef object created(self, object lead):
        if not isinstance(lead, dict):
            return None
        value = (<dict>lead).get("createdAt")
        if not isinstance(value, str):
            metadata = (<dict>lead).get("metadata")
            value = (<dict>metadata).get("createdAt") if isinstance(metadata, dict) else None
        if not isinstance(value, str):
            return None
        head = (<str>value)[:10]
        day = self.days.get(head, _MISSING)
        if day is not _MISSING:
            return day
        day = self.day(head)
        if len(self.days) < self.kept:
            self.days[head] = day
        return day

    def __call__(self, lead):
        return self.group(lead), self.created(lead)


# --- deciding a range's keys in the parent (records.DuplicateTables.resolve) ------

def resolve_keys(
    unsigned long long[::1] table_keys,
    unsigned long long[::1] refs,
    unsigned long long mask,
    const unsigned long long[::1] keys,
    const unsigned long long[::1] owners,
    unsigned long long base,
):
    """One rule's keys of a range into a table's arrays: (repeated positions, keys added).

    The table is open addressing with linear probing (``SeenTable``'s
    arrays), with room for every key: the caller reserves it first.
    """
    cdef Py_ssize_t position, added = 0
    cdef unsigned long long key, slot, seen, mine
    cdef list repeated = []
    for position in range(keys.shape[0]):
        key = keys[position]
        mine = base + (owners[position] >> 8)
        slot = key & mask
        while True:
            seen = table_keys[slot]
            if seen == key:
                if refs[slot] != mine:
                    repeated.append(position)
                break
            if seen == 0:
                table_keys[slot] = key
                refs[slot] = mine
                added += 1
                break
            slot = (slot + 1) & mask
    return repeated, added


def rehash(
    const unsigned long long[::1] old_keys,
    const unsigned long long[::1] old_refs,
    unsigned long long[::1] new_keys,
    unsigned long long[::1] new_refs,
    unsigned long long mask,
):
    """Move a table's occupied slots into bigger arrays (``SeenTable._grow``)."""
    cdef Py_ssize_t i
    cdef unsigned long long key, slot
    for i in range(old_keys.shape[0]):
        key = old_keys[i]
        if key == 0:
            continue
        slot = key & mask
        while new_keys[slot] != 0:
            slot = (slot + 1) & mask
        new_keys[slot] = key
        new_refs[slot] = old_refs[i]
