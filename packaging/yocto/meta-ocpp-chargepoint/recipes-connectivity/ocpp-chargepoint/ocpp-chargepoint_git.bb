SUMMARY = "OCPP 1.6J / 2.0.1 charge point runtime for embedded pile controllers"
DESCRIPTION = "ocpp-chargepoint (the charge point daemon), ocpp-cpctl (its control client) and \
ocpp-offline-code; the reference CSMS and the demo client in ${PN}-tools; the protocol library's \
headers and static libraries in ${PN}-dev and ${PN}-staticdev; the unit tests in ${PN}-ptest."
HOMEPAGE = "https://git.example.com/ocpp-chargepoint"
SECTION = "net"
# The project has no licence file yet: set LICENSE and LIC_FILES_CHKSUM when it gets one.
LICENSE = "CLOSED"

# The project's repository and revision: set both in local.conf or a .bbappend, e.g.
#   OCPP_CHARGEPOINT_GIT_URI = "git://git.example.com/ocpp-chargepoint.git;protocol=https;branch=main"
#   SRCREV:pn-ocpp-chargepoint = "<commit>"
OCPP_CHARGEPOINT_GIT_URI ??= "git://git.example.com/ocpp-chargepoint.git;protocol=https;branch=main"
SRC_URI = "${OCPP_CHARGEPOINT_GIT_URI} \
           file://chargepoint.json \
           file://run-ptest \
          "
SRCREV ??= "${AUTOREV}"
PV = "0.1.0+git${SRCPV}"
S = "${WORKDIR}/git"

# python3native: the build generates the typed messages and embeds the schemas with Python scripts
# (tools/codegen), which run on the build machine.
inherit cmake pkgconfig systemd ptest useradd python3native

# Recipe names (openembedded-core: sqlite3, openssl, boost, googletest, curl; meta-oe: libwebsockets,
# rapidjson, libmodbus, postgresql for libpq). Boost is used for its headers only (MSM). googletest
# is needed by the unit tests, which the build always configures. libpq and libcurl: the reference
# CSMS's PostgreSQL backend and its forwarding of calls between instances.
DEPENDS = "libwebsockets rapidjson sqlite3 openssl boost libmodbus googletest postgresql curl"

# Release build at -O2 (as the project's release preset). Warnings stay warnings here: a newer GCC than the project's CI (Debian 12, GCC 12)
# may warn about new things and must not stop an image build. Benchmarks are not built. The tests
# are built for ${PN}-ptest only. The meter maps are looked up in ${datadir}/ocpp/meters only (not
# in the build machine's source tree, whose path must not end up in the binaries).
OCPP_TESTS = "${@bb.utils.contains('PTEST_ENABLED', '1', 'ON', 'OFF', d)}"
EXTRA_OECMAKE = " \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE='-O2 -DNDEBUG' -DCMAKE_C_FLAGS_RELEASE='-O2 -DNDEBUG' \
    -DOCPP_BUILD_TESTS=${OCPP_TESTS} \
    -DOCPP_BUILD_BENCH=OFF \
    -DOCPP_WARNINGS_AS_ERRORS=OFF \
    -DOCPP_METER_DIR_FROM_SOURCE=OFF \
"

# The daemon's unit comes from the source tree (packaging/systemd/ocpp-chargepoint.service); it runs
# the daemon as the user ocpp-chargepoint with the configuration in ${sysconfdir}/ocpp-chargepoint/.
SYSTEMD_SERVICE:${PN} = "ocpp-chargepoint.service"
SYSTEMD_AUTO_ENABLE:${PN} = "enable"

USERADD_PACKAGES = "${PN}"
# The unit's User= and Group= (packaging/systemd/ocpp-chargepoint.service, whose sysusers.d file
# Debian uses instead): a system user with its own group, in dialout for the RS-485 Modbus ports.
USERADD_PARAM:${PN} = "--system --home-dir /var/lib/ocpp-chargepoint --no-create-home \
                       --shell /sbin/nologin --user-group --groups dialout ocpp-chargepoint"

do_install:append() {
    install -d ${D}${sysconfdir}/ocpp-chargepoint
    install -m 0640 ${WORKDIR}/chargepoint.json ${D}${sysconfdir}/ocpp-chargepoint/chargepoint.json
    chown root:ocpp-chargepoint ${D}${sysconfdir}/ocpp-chargepoint/chargepoint.json
    install -d ${D}${systemd_system_unitdir}
    install -m 0644 ${S}/packaging/systemd/ocpp-chargepoint.service ${D}${systemd_system_unitdir}/
}

# The unit tests that run without the source tree, and run-ptest, which prints PASS:/FAIL:/SKIP:.
do_install_ptest() {
    install -d ${D}${PTEST_PATH}/tests
    for t in ${B}/bin/unit_*; do
        install -m 0755 "$t" ${D}${PTEST_PATH}/tests/
    done
}

PACKAGES =+ "${PN}-tools"
FILES:${PN} = " \
    ${bindir}/ocpp-chargepoint \
    ${bindir}/ocpp-cpctl \
    ${bindir}/ocpp-offline-code \
    ${datadir}/ocpp/meters \
    ${sysconfdir}/ocpp-chargepoint \
    ${systemd_system_unitdir}/ocpp-chargepoint.service \
"
FILES:${PN}-tools = " \
    ${bindir}/ocpp-csms-sim \
    ${bindir}/ocpp-demo-client \
    ${bindir}/ocpp-fleet \
"
FILES:${PN}-dev += "${libdir}/cmake/ocpp"
CONFFILES:${PN} = "${sysconfdir}/ocpp-chargepoint/chargepoint.json"

# The test programs carry the build tree's paths in their data (test fixtures); they are never
# installed outside ${PN}-ptest.
INSANE_SKIP:${PN}-ptest += "buildpaths"
RDEPENDS:${PN}-ptest += "${PN}"
