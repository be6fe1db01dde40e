package dev.eventstore.sample.report;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ReportController {

	private final SkuTotals skuTotals;

	ReportController(SkuTotals skuTotals) {
		this.skuTotals = skuTotals;
	}

	@GetMapping("/reports/sku-totals")
	SkuTotals.Report skuTotals() {
		return this.skuTotals.report();
	}

}
