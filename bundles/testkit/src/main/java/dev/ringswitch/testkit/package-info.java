/**
 * Test support shared by the modules' tests, never deployed into the appliance: the root gate for privileged tests
 * ({@link dev.ringswitch.testkit.Privileges}), in-memory ports over off-heap queues
 * ({@link dev.ringswitch.testkit.InMemoryPortProvider}, {@link dev.ringswitch.testkit.InMemoryTapPort},
 * {@link dev.ringswitch.testkit.InMemoryReadinessSelector}) and frame crafting and inspection
 * ({@link dev.ringswitch.testkit.FrameBuilder}, {@link dev.ringswitch.testkit.Frames}), network namespaces as hosts
 * behind real TAP ports ({@link dev.ringswitch.testkit.NetworkNamespace}), tcpdump captures of what they receive
 * ({@link dev.ringswitch.testkit.PacketCapture}) and service fakes ({@link dev.ringswitch.testkit.FakePortService}).
 */
package dev.ringswitch.testkit;
