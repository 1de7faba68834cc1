import type os from "node:os";
import { describe, expect, it } from "vitest";
import { hostName, isLoopbackHost, joinAddress, networkAddress } from "@/server/join-address";

const nic = (address: string, internal = false, family: "IPv4" | "IPv6" = "IPv4") => ({ address, internal, family }) as os.NetworkInterfaceInfo;
const interfaces = {
  lo: [nic("127.0.0.1", true), nic("::1", true, "IPv6")],
  docker0: [nic("fe80::1", false, "IPv6")],
  wlan0: [nic("fe80::2", false, "IPv6"), nic("192.168.1.23")],
  eth1: [nic("10.0.0.7")],
};
const base = { publicUrl: undefined, bindHost: "0.0.0.0", port: 3000, interfaces };

describe("the address students' phones reach", () => {
  it("uses the machine's network address when the teacher opened the page through loopback", () => {
    for (const requestHost of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST:3000"]) {
      expect(joinAddress({ ...base, requestHost })).toEqual({ reachable: true, base: "http://192.168.1.23:3000" });
    }
  });

  it("takes a chosen interface's address", () => {
    expect(joinAddress({ ...base, requestHost: "localhost:3000", interfaceName: "eth1" })).toEqual({ reachable: true, base: "http://10.0.0.7:3000" });
    const missing = joinAddress({ ...base, requestHost: "localhost:3000", interfaceName: "wlan9" });
    expect(missing).toMatchObject({ reachable: false, problem: expect.stringContaining('"wlan9" (RELIVE_INTERFACE) has no IPv4 address') });
  });

  it("keeps a host the teacher reached the server by, when it is not loopback", () => {
    expect(joinAddress({ ...base, requestHost: "192.168.1.23:3000" })).toEqual({ reachable: true, base: "http://192.168.1.23:3000" });
    expect(joinAddress({ ...base, requestHost: "relive.school.example" })).toEqual({ reachable: true, base: "http://relive.school.example" });
  });

  it("lets RELIVE_PUBLIC_URL override everything, https included", () => {
    expect(joinAddress({ ...base, requestHost: "localhost:3000", publicUrl: "https://relive.school.example/" })).toEqual({ reachable: true, base: "https://relive.school.example" });
  });

  it("uses the address the server listens on, when it names one", () => {
    expect(joinAddress({ ...base, requestHost: "localhost:3000", bindHost: "10.0.0.7" })).toEqual({ reachable: true, base: "http://10.0.0.7:3000" });
  });

  it("says in plain words when no phone can reach it, and what to do", () => {
    const loopbackOnly = joinAddress({ ...base, requestHost: "localhost:3000", bindHost: "127.0.0.1" });
    expect(loopbackOnly).toEqual({ reachable: false, problem: expect.stringMatching(/only listens on this computer \(HOST=127\.0\.0\.1\)\. Restart it with HOST=0\.0\.0\.0/) });
    const offline = joinAddress({ ...base, requestHost: "localhost:3000", interfaces: { lo: interfaces.lo } });
    expect(offline).toEqual({ reachable: false, problem: expect.stringMatching(/no network connection phones could use\. Connect it to the classroom's network/) });
  });

  it("tells loopback names and addresses from others", () => {
    for (const host of ["localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1", "app.localhost"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["192.168.1.23", "10.0.0.1", "relive.example", "::2", "128.0.0.1"]) expect(isLoopbackHost(host)).toBe(false);
    expect(hostName("[::1]:3000")).toBe("::1");
    expect(hostName("localhost:3000")).toBe("localhost");
    expect(networkAddress(interfaces)).toBe("192.168.1.23");
  });
});
